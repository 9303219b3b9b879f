#include "system_shims.h"

#include <stdio.h>

/*
 * snprintf(3) is variadic: Swift reaches it only through withVaList, whose
 * CVarArg casts look up protocol conformances at run time on first use, a
 * scan that a program printing one line would pay at every start.
 */
int shim_format_float_g(char *buffer, unsigned long size, float value) {
    return snprintf(buffer, size, "%g", (double)value);
}
