/* stockcheck: reads "name;qty;price_cents" lines from stdin and prints a stock report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "money.h"
#include "report.h"

static int parse_line(char *line, struct item *it)
{
    char *name = strtok(line, ";\n");
    char *qty = strtok(NULL, ";\n");
    char *price = strtok(NULL, ";\n");
    if (!name || !qty || !price)
        return 0;
    snprintf(it->name, sizeof it->name, "%s", name);
    it->qty = atoi(qty);
    it->price_cents = atol(price);
    return 1;
}

int main(void)
{
    char line[256], total_text[32];
    struct item it;
    long total = 0;
    int items = 0, low = 0;

    while (fgets(line, sizeof line, stdin)) {
        if (line[0] == '#' || !parse_line(line, &it))
            continue;
        low += report_item(&it);
        total += it.qty * it.price_cents;
        items++;
    }
    format_money(total, total_text);
    printf("%d items, %d below %d units, stock value %s\n", items, low, LOW_STOCK, total_text);
    return 0;
}
