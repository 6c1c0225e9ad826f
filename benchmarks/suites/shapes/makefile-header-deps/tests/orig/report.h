#ifndef REPORT_H
#define REPORT_H

struct item {
    char name[64];
    int qty;
    long price_cents;
};

/* Prints one report line for the item; returns 1 if it is low on stock. */
int report_item(const struct item *it);

#endif
