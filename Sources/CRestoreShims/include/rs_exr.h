#ifndef RS_EXR_H
#define RS_EXR_H
#include <stddef.h>
#include <stdint.h>

/// OpenEXR through OpenEXRCore's C API. A reader is one open context; its chunks can be
/// decoded from several threads at once (OpenEXRCore reads chunks with positioned reads).
/// Every function returns 0 on success, or -1 with a message in `err`.
typedef struct rs_exr_reader rs_exr_reader;

enum { RS_EXR_MAX_CHANNELS = 1024 };

/// One part's header, as restore needs it.
typedef struct {
    char name[256];          ///< the part's name ("" when unnamed)
    int storage;             ///< 0 scanline, 1 tiled, 2 deep scanline, 3 deep tiled
    int compression;         ///< EXR_COMPRESSION_* (0 none … 9 DWAB)
    int32_t data[4];         ///< data window: xmin, ymin, xmax, ymax (inclusive)
    int32_t display[4];      ///< display window, likewise
    int channels;
    uint32_t tile_w, tile_h; ///< tiled parts only
    int tile_levels;         ///< 0 one level, 1 mipmap, 2 ripmap
    int has_chromaticities;
    float chromaticities[8]; ///< red x y, green x y, blue x y, white x y
    float pixel_aspect;
    int32_t chunks;          ///< chunks (scanline blocks, or level-0 tiles) to decode
    int has_timecode; uint32_t timecode, timecode_user;  ///< `timeCode` (SMPTE 12M packing)
    int has_fps; int32_t fps_num; uint32_t fps_den;      ///< `framesPerSecond`
} rs_exr_part;

int rs_exr_open(const char *path, rs_exr_reader **out, char *err, size_t errlen);
void rs_exr_close(rs_exr_reader *r);
int rs_exr_part_count(const rs_exr_reader *r);
int rs_exr_part_info(rs_exr_reader *r, int part, rs_exr_part *out, char *err, size_t errlen);
/// Channel `index` of `part` (channels are sorted by name): its name (owned by the reader),
/// pixel type (0 uint, 1 half, 2 float) and sampling.
int rs_exr_channel(rs_exr_reader *r, int part, int index, const char **name, int *type,
                   int *x_sampling, int *y_sampling);

/// Decodes chunks [first, last) of `part` into float planes: `planes[i]` receives channel i
/// (NULL skips it), a plane of data-window width × height with (xmin, ymin) at index 0.
/// Half and uint samples are converted to float. Thread-safe for disjoint chunk ranges.
int rs_exr_decode(rs_exr_reader *r, int part, int32_t first, int32_t last, float *const *planes,
                  char *err, size_t errlen);

/// Writing: a scanline or tiled single-part file from float planes (converted to half or
/// float). Begin writes the header; encode compresses chunks [first, last) into memory
/// (thread-safe for disjoint ranges); finish writes them in order and closes the file.
typedef struct rs_exr_writer rs_exr_writer;

typedef struct {
    int32_t width, height;
    int32_t data_x, data_y;      ///< data window origin
    int has_display; int32_t display[4];
    int channels;                ///< 1..4
    const char *names[4];        ///< e.g. "R", "G", "B", "A" or "Y", "A"
    const float *planes[4];      ///< width*height floats each
    int pixel_type;              ///< 1 half, 2 float
    int compression;             ///< EXR_COMPRESSION_*
    int zip_level;               ///< -1: library default
    int tiled; uint32_t tile_w, tile_h;
    int has_chromaticities; float chromaticities[8];
    float pixel_aspect;
    int has_timecode; uint32_t timecode, timecode_user;
    int has_fps; int32_t fps_num; uint32_t fps_den;
    /// String attributes to pass through (name, value pairs).
    int string_attrs; const char *const *attr_names; const char *const *attr_values;
} rs_exr_write_params;

int rs_exr_writer_begin(const char *path, const rs_exr_write_params *p, rs_exr_writer **out,
                        int32_t *chunks, char *err, size_t errlen);
int rs_exr_writer_encode(rs_exr_writer *w, int32_t first, int32_t last, char *err, size_t errlen);
int rs_exr_writer_finish(rs_exr_writer *w, char *err, size_t errlen);
/// Frees the writer (after finish, or instead of it on failure: the file is then incomplete).
void rs_exr_writer_free(rs_exr_writer *w);

/// A string attribute of `part`, or NULL.
const char *rs_exr_string_attr(rs_exr_reader *r, int part, const char *name);
/// Attribute names and type names of `part` (for `restore info`); index < count.
int rs_exr_attr_count(rs_exr_reader *r, int part);
int rs_exr_attr(rs_exr_reader *r, int part, int index, const char **name, const char **type,
                const char **string_value);

#endif
