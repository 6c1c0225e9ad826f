#ifndef MONEY_H
#define MONEY_H

#define CURRENCY "EUR"

/* Writes cents as "12.34 EUR" into buf (at least 32 bytes). */
void format_money(long cents, char *buf);

#endif
