#include <stdio.h>
#include <stdlib.h>

#include "money.h"

void format_money(long cents, char *buf)
{
    const char *sign = cents < 0 ? "-" : "";
    long abs_cents = labs(cents);
    sprintf(buf, "%s%ld.%02ld %s", sign, abs_cents / 100, abs_cents % 100, CURRENCY);
}
