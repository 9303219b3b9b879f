#include "system_shims.h"

#include <stdio.h>

/*
 * snprintf(3) is variadic: Swift reaches it only through withVaList, whose
 * CVarArg casts look up protocol conformances at run time (a quarter of a
 * million instructions the first time, in a program that prints one line).
 */
int shim_format_float_g(char *buffer, unsigned long size, float value) {
    return snprintf(buffer, size, "%g", (double)value);
}
