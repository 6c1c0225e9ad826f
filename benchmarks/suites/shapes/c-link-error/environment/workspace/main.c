#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

/* Usage: stats NUMBER...
   Prints how many numbers there are, their min, max, mean and standard deviation. */
int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s NUMBER...\n", argv[0]);
        return 2;
    }
    size_t n = (size_t)(argc - 1);
    double *xs = malloc(n * sizeof *xs);
    if (xs == NULL) {
        perror("malloc");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char *end;
        xs[i] = strtod(argv[i + 1], &end);
        if (*end != '\0' || end == argv[i + 1]) {
            fprintf(stderr, "not a number: %s\n", argv[i + 1]);
            free(xs);
            return 2;
        }
    }
    printf("n=%zu min=%.2f max=%.2f mean=%.2f stddev=%.2f\n", n, minimum(xs, n), maximum(xs, n),
           mean(xs, n), stddev(xs, n));
    free(xs);
    return 0;
}
