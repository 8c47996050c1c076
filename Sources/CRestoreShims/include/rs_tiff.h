#ifndef RS_TIFF_H
#define RS_TIFF_H
#include <stddef.h>
#include <stdint.h>
#include <tiffio.h>

/// Where a handle's error handler leaves libtiff's last error text ("module: message").
typedef struct { char text[512]; } rs_tiff_errors;

/// Opens a TIFF with a per-handle error handler (libtiff >= 4.5, TIFFOpenExt) that copies the
/// last libtiff error text into `errors`, which the caller owns and keeps alive until
/// TIFFClose. Read with mode "rm" (no memory mapping) so a truncated file cannot fault.
TIFF *rs_tiff_open(const char *path, const char *mode, rs_tiff_errors *errors);

/* TIFFGetField/TIFFSetField are variadic and cannot be called from Swift. These wrappers
   return 1 when the tag is present (or was set), 0 otherwise. "Defaulted" getters apply the
   TIFF defaults (TIFFGetFieldDefaulted). */
int rs_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value);
int rs_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value);
int rs_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value);
int rs_tiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *value);
int rs_tiff_get_float(TIFF *tif, uint32_t tag, float *value);
int rs_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data);
int rs_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types);
int rs_tiff_get_string(TIFF *tif, uint32_t tag, const char **value);

int rs_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value);
int rs_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int rs_tiff_set_int(TIFF *tif, uint32_t tag, int value);
int rs_tiff_set_float(TIFF *tif, uint32_t tag, float value);
int rs_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data);
int rs_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types);
int rs_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);

/// 1 when libtiff was built with this codec (COMPRESSION_*).
int rs_tiff_codec_configured(uint16_t scheme);

#endif

/// How strips are encoded: the tags that decide the compressed bytes of a strip.
typedef struct {
    uint32_t width;
    uint16_t samples_per_pixel, bits_per_sample, sample_format, photometric;
    uint16_t compression, predictor;  ///< predictor 0 = none
    uint16_t extra_samples;           ///< 0 or 1 (one unassociated alpha)
} rs_tiff_strip_format;

/// Compresses one strip of `rows` rows (interleaved, host byte order) exactly as libtiff
/// would inside a file with these tags, by writing it through an in-memory TIFF. Thread-safe:
/// each call has its own handle, so strips can be compressed in parallel and then written
/// with TIFFWriteRawStrip. On success `*out` (malloc'd, caller frees) holds `*out_len` bytes.
int rs_tiff_encode_strip(const rs_tiff_strip_format *fmt, uint32_t rows, const void *data, size_t size,
                         uint8_t **out, size_t *out_len, rs_tiff_errors *errors);
