#ifndef RS_PNG_H
#define RS_PNG_H
#include <stddef.h>
#include <stdint.h>

/// A PNG decoded by libpng inside a setjmp guard (no longjmp ever reaches Swift).
/// Pixels are interleaved, expanded to 8 or 16 bits per sample (palette -> RGB, tRNS -> alpha,
/// 1/2/4-bit gray scaled to 8 bits), 16-bit samples in host byte order.
typedef struct {
    uint32_t width, height;
    int channels;          ///< 1..4 after expansion
    int bit_depth;         ///< 8 or 16 after expansion
    int source_bit_depth;  ///< 1, 2, 4, 8 or 16 as stored in IHDR
    int color_type;        ///< IHDR colour type as stored (PNG_COLOR_TYPE_*)
    int interlaced;        ///< 1 for Adam7
    int has_trns;          ///< a tRNS chunk became the alpha channel
    uint8_t *icc; uint32_t icc_len; char icc_name[80];
    int srgb_intent;       ///< -1 when no sRGB chunk
    double gamma;          ///< file gamma from gAMA (e.g. 0.45455), 0 when absent
    int has_chrm; double chrm[8]; ///< white x,y, red x,y, green x,y, blue x,y
    int has_phys; uint32_t res_x, res_y; int res_unit; ///< pixels per unit; unit 1 = metre
    uint8_t *exif; uint32_t exif_len;
    uint8_t *pixels; size_t rowbytes;
} rs_png_image;

/// Decodes `path`. With `header_only` no pixels are read. `max_pixels` bounds width*height
/// before anything is allocated. Returns 0 on success; otherwise fills `err` with libpng's
/// message (or ours) and frees everything it allocated.
int rs_png_read(const char *path, int header_only, uint64_t max_pixels, rs_png_image *out,
                char *err, size_t errlen);
void rs_png_free(rs_png_image *img);

typedef struct {
    uint32_t width, height;
    int channels;          ///< 1..4 (gray, gray+alpha, RGB, RGBA)
    int bit_depth;         ///< 8 or 16
    const uint8_t *pixels; ///< interleaved rows, 16-bit samples in host byte order
    size_t rowbytes;
    const uint8_t *icc; uint32_t icc_len; const char *icc_name;
    const uint8_t *exif; uint32_t exif_len;
    int has_phys; uint32_t res_x, res_y; ///< pixels per metre
    int compression_level; ///< zlib level 0..9
    int filters;           ///< PNG_FILTER_* mask, or -1 for libpng's default
    /// When set, the complete zlib stream of the filtered image data (made by
    /// rs_deflate_segment in parallel); `pixels` is then ignored and libpng only frames it.
    const uint8_t *idat; size_t idat_len;
} rs_png_write_params;

/// Compresses one segment of a zlib stream as raw deflate at `level`, ending with a sync
/// flush (or with the final block when `last`), so that segments compressed independently
/// concatenate into one valid stream. `*adler` receives the segment's Adler-32.
/// Returns 0 and a malloc'd `*out` (caller frees), or -1.
int rs_deflate_segment(const uint8_t *in, size_t len, int level, int last,
                       uint8_t **out, size_t *out_len, uint32_t *adler);
/// Adler-32 of A followed by B, from their checksums and B's length (zlib's adler32_combine).
uint32_t rs_adler32_combine(uint32_t a, uint32_t b, size_t len_b);

/// Encodes to an open path (created/truncated). Returns 0 on success, else fills `err`.
int rs_png_write(const char *path, const rs_png_write_params *p, char *err, size_t errlen);

#endif
