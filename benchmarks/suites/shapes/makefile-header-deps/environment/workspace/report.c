#include <stdio.h>

#include "config.h"
#include "money.h"
#include "report.h"

int report_item(const struct item *it)
{
    char value[32];
    int low = it->qty < LOW_STOCK;

    format_money(it->qty * it->price_cents, value);
    printf("%-*.*s %5d %14s%s\n", NAME_WIDTH, NAME_WIDTH, it->name, it->qty, value, low ? "  LOW" : "");
    return low;
}
