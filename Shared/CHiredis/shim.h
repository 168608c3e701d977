#ifndef KEEL_CHIREDIS_SHIM_H
#define KEEL_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
