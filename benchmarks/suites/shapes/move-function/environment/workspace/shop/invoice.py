from shop import utils


def invoice(cart, number):
    vat = round(cart.total() * 0.2)
    return "\n".join([
        f"Invoice #{number}",
        cart.describe(),
        f"VAT 20%    {utils.format_price(vat)}",
        f"DUE        {utils.format_price(cart.total() + vat)}",
    ])
