#include "rs_lcms.h"
#include <stdio.h>

static void rs_lcms_error(cmsContext ctx, cmsUInt32Number code, const char *text) {
    rs_lcms_errors *sink = (rs_lcms_errors *)cmsGetContextUserData(ctx);
    if (!sink) return;
    sink->code = code;
    snprintf(sink->text, sizeof sink->text, "%s", text ? text : "unknown lcms2 error");
}

cmsContext rs_lcms_context(rs_lcms_errors *errors) {
    errors->code = 0; errors->text[0] = 0;
    cmsContext ctx = cmsCreateContext(NULL, errors);
    if (ctx) cmsSetLogErrorHandlerTHR(ctx, rs_lcms_error);
    return ctx;
}

const cmsUInt32Number rs_TYPE_RGB_FLT_PLANAR = (FLOAT_SH(1)|COLORSPACE_SH(PT_RGB)|CHANNELS_SH(3)|BYTES_SH(4)|PLANAR_SH(1));
const cmsUInt32Number rs_TYPE_GRAY_FLT = TYPE_GRAY_FLT;
const cmsUInt32Number rs_TYPE_RGB_FLT = TYPE_RGB_FLT;
const cmsUInt32Number rs_TYPE_RGB_16 = TYPE_RGB_16;
const cmsUInt32Number rs_TYPE_RGB_8 = TYPE_RGB_8;
const cmsUInt32Number rs_TYPE_GRAY_FLT_PLANAR = (FLOAT_SH(1)|COLORSPACE_SH(PT_GRAY)|CHANNELS_SH(1)|BYTES_SH(4)|PLANAR_SH(1));
