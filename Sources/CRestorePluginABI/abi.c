/* The ABI is a header only (include/restore_plugin.h); SwiftPM needs one source file. */
#include "restore_plugin.h"
