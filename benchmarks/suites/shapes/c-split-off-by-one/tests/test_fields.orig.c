#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"

static void test_chomp(void)
{
    char a[] = "abc\n", b[] = "abc\r\n", c[] = "abc", d[] = "";
    chomp(a); chomp(b); chomp(c); chomp(d);
    assert(strcmp(a, "abc") == 0);
    assert(strcmp(b, "abc") == 0);
    assert(strcmp(c, "abc") == 0);
    assert(strcmp(d, "") == 0);
}

static void test_split_basic(void)
{
    char line[] = "ana,42,lisbon";
    char *f[8];
    int n = split_fields(line, ',', f, 8);
    assert(n == 3);
    assert(strcmp(f[0], "ana") == 0);
    assert(strcmp(f[2], "lisbon") == 0);
}

static void test_split_empty_fields(void)
{
    char line[] = ";;x;";
    char *f[8];
    int n = split_fields(line, ';', f, 8);
    assert(n == 4);
    assert(strcmp(f[0], "") == 0 && strcmp(f[2], "x") == 0 && strcmp(f[3], "") == 0);
}

static void test_split_exact_capacity(void)
{
    char line[] = "id,name,city";
    char *f[3];
    int n = split_fields(line, ',', f, 3);
    assert(n == 3);
    assert(strcmp(f[2], "city") == 0);
}

int main(void)
{
    test_chomp();
    test_split_basic();
    test_split_empty_fields();
    test_split_exact_capacity();
    puts("all fields tests passed");
    return 0;
}
