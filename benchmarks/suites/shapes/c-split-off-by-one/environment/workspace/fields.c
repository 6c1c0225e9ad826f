#include <string.h>

#include "fields.h"

void chomp(char *s)
{
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '\n')
        s[--len] = '\0';
    if (len > 0 && s[len - 1] == '\r')
        s[--len] = '\0';
}

int split_fields(char *line, char sep, char **out, int max)
{
    int n = 0;
    char *start = line;
    size_t len = strlen(line);

    if (max <= 0)
        return 0;
    for (size_t i = 0; i < len && n < max; i++) {
        if (line[i] == sep) {
            line[i] = '\0';
            out[n++] = start;
            start = line + i + 1;
        }
    }
    if (n < max - 1)
        out[n++] = start;
    return n;
}
