#include <math.h>

#include "stats.h"

double mean(const double *xs, size_t n) {
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += xs[i];
    }
    return sum / (double)n;
}

/* Population standard deviation. */
double stddev(const double *xs, size_t n) {
    double m = mean(xs, n);
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) {
        acc += (xs[i] - m) * (xs[i] - m);
    }
    return sqrt(acc / (double)n);
}

double minimum(const double *xs, size_t n) {
    double best = xs[0];
    for (size_t i = 1; i < n; i++) {
        if (xs[i] < best) {
            best = xs[i];
        }
    }
    return best;
}

double maximum(const double *xs, size_t n) {
    double best = xs[0];
    for (size_t i = 1; i < n; i++) {
        if (xs[i] > best) {
            best = xs[i];
        }
    }
    return best;
}
