#include "rs_tiff.h"
#include <stdarg.h>
#include <stdio.h>

static int rs_tiff_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    rs_tiff_errors *sink = (rs_tiff_errors *)user;
    if (sink) {
        int n = 0;
        if (module && *module) n = snprintf(sink->text, sizeof sink->text, "%s: ", module);
        if (n < 0 || (size_t)n >= sizeof sink->text) n = 0;
        vsnprintf(sink->text + n, sizeof sink->text - (size_t)n, fmt, ap);
    }
    return 1; /* handled: the process-global handler is not called */
}

static int rs_tiff_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1; /* warnings (unknown tags and the like) are dropped */
}

TIFF *rs_tiff_open(const char *path, const char *mode, rs_tiff_errors *errors) {
    errors->text[0] = 0;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, rs_tiff_error, errors);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, rs_tiff_warning, errors);
    TIFF *tif = TIFFOpenExt(path, mode, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

int rs_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *v) { return TIFFGetFieldDefaulted(tif, tag, v); }
int rs_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *v) { return TIFFGetFieldDefaulted(tif, tag, v); }
int rs_tiff_get_float(TIFF *tif, uint32_t tag, float *v) { return TIFFGetField(tif, tag, v); }
int rs_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data) {
    return TIFFGetField(tif, tag, count, data);
}
int rs_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types) {
    uint16_t *t = NULL;
    int ok = TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, count, &t);
    *types = t;
    return ok;
}
int rs_tiff_get_string(TIFF *tif, uint32_t tag, const char **value) {
    char *s = NULL; int ok = TIFFGetField(tif, tag, &s); *value = s; return ok;
}

int rs_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t v) { return TIFFSetField(tif, tag, (int)v); }
int rs_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t v) { return TIFFSetField(tif, tag, v); }
int rs_tiff_set_int(TIFF *tif, uint32_t tag, int v) { return TIFFSetField(tif, tag, v); }
int rs_tiff_set_float(TIFF *tif, uint32_t tag, float v) { return TIFFSetField(tif, tag, (double)v); }
int rs_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data) {
    return TIFFSetField(tif, tag, count, data);
}
int rs_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (int)count, types);
}
int rs_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }

int rs_tiff_codec_configured(uint16_t scheme) { return TIFFIsCODECConfigured(scheme); }
