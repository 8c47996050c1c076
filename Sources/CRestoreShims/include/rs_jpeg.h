#ifndef RS_JPEG_H
#define RS_JPEG_H
#include <stddef.h>
#include <stdint.h>

/// A JPEG decoded by libjpeg(-turbo) inside a setjmp guard. Pixels are 8-bit interleaved,
/// gray (1 channel) or RGB (3 channels); EXIF orientation is NOT applied here.
typedef struct {
    uint32_t width, height;
    int channels;            ///< 1 or 3
    int jpeg_color_space;    ///< J_COLOR_SPACE as stored
    int progressive;
    uint8_t *icc; uint32_t icc_len;
    uint8_t *exif; uint32_t exif_len;  ///< APP1 payload after "Exif\0\0" (a TIFF structure)
    int density_unit;        ///< 0 none (aspect only), 1 dots/inch, 2 dots/cm
    uint32_t x_density, y_density;
    uint8_t *pixels;         ///< width*channels bytes per row
} rs_jpeg_image;

int rs_jpeg_read(const char *path, int header_only, uint64_t max_pixels, rs_jpeg_image *out,
                 char *err, size_t errlen);
void rs_jpeg_free(rs_jpeg_image *img);

typedef struct {
    uint32_t width, height;
    int channels;            ///< 1 or 3
    const uint8_t *pixels;
    int quality;             ///< 1..100
    const uint8_t *icc; uint32_t icc_len;
    const uint8_t *exif; uint32_t exif_len;
    int density_unit; uint32_t x_density, y_density;
} rs_jpeg_write_params;

int rs_jpeg_write(const char *path, const rs_jpeg_write_params *p, char *err, size_t errlen);

#endif
