from shop.cart import Cart
from shop.invoice import invoice
from shop.utils import parse_quantity

if __name__ == "__main__":
    cart = Cart()
    cart.add("tea 01", 450, parse_quantity("2"))
    cart.add("mug-3", 1299)
    print(invoice(cart, 17))
