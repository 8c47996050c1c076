#ifndef RS_LCMS_H
#define RS_LCMS_H
#include <lcms2.h>

/// Where a context's error handler leaves lcms2's last error (code and text).
typedef struct { cmsUInt32Number code; char text[512]; } rs_lcms_errors;

/// A new lcms2 context whose errors go to `errors` (owned by the caller, kept alive until
/// cmsDeleteContext) instead of the process-global handler.
cmsContext rs_lcms_context(rs_lcms_errors *errors);

/* lcms2's TYPE_* pixel-format macros do not import into Swift; the ones we use: */
extern const cmsUInt32Number rs_TYPE_RGB_FLT_PLANAR;
extern const cmsUInt32Number rs_TYPE_GRAY_FLT;
extern const cmsUInt32Number rs_TYPE_RGB_FLT;
extern const cmsUInt32Number rs_TYPE_RGB_16;
extern const cmsUInt32Number rs_TYPE_RGB_8;
extern const cmsUInt32Number rs_TYPE_GRAY_FLT_PLANAR;

#endif
