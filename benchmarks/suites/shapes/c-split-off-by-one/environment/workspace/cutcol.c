/* cutcol: print one column of a delimited file.

     ./cutcol COLUMN [SEP] < file        (COLUMN counts from 1, SEP defaults to ',')

   Lines that have fewer columns print an empty line. */
#include <stdio.h>
#include <stdlib.h>

#include "fields.h"

int main(int argc, char **argv)
{
    char line[4096];
    char *fields[64];

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s COLUMN [SEP] < file\n", argv[0]);
        return 2;
    }
    int column = atoi(argv[1]);
    char sep = argc == 3 ? argv[2][0] : ',';
    if (column < 1 || column > 64) {
        fprintf(stderr, "%s: COLUMN must be between 1 and 64\n", argv[0]);
        return 2;
    }

    while (fgets(line, sizeof line, stdin)) {
        chomp(line);
        /* only split as far as we need to */
        int n = split_fields(line, sep, fields, column);
        puts(n >= column ? fields[column - 1] : "");
    }
    return 0;
}
