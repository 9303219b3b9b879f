#include "sockcore.h"

#define SC_STRINGIFY_(x) #x
#define SC_STRINGIFY(x) SC_STRINGIFY_(x)

unsigned sc_version(void) { return SC_VERSION_HEX; }

const char *sc_version_string(void) {
  return SC_STRINGIFY(SC_VERSION_MAJOR) "." SC_STRINGIFY(
      SC_VERSION_MINOR) "." SC_STRINGIFY(SC_VERSION_PATCH);
}
