#ifndef CONFIG_H
#define CONFIG_H

/* Items with fewer than LOW_STOCK units on hand are flagged in the report. */
#define LOW_STOCK 5

/* Longest item name we print; longer names are cut. */
#define NAME_WIDTH 20

#endif
