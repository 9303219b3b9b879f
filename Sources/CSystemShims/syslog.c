#include "system_shims.h"

#include <syslog.h>

void shim_openlog(const char *ident, int facility) { openlog(ident, LOG_PID | LOG_NDELAY, facility); }

/* syslog(3) is variadic: the message goes through "%s", never as a format. */
void shim_syslog(int priority, const char *message) { syslog(priority, "%s", message); }
