/*
 * restore_plugin.h — the C ABI of restore's native plugins.
 *
 * A native plugin is a shared library named in its folder's plugin.yaml
 * (`kind: native`, `files: {library: libNAME.so}`). restore dlopen()s it, calls
 * restore_plugin_entry() once, checks `abi_version`, and then calls `process` on tiles of the
 * image, possibly from several threads at once: `process` must be thread-safe and must not
 * keep pointers to host memory after it returns. The host owns every buffer.
 *
 * Pixels: planar float32, one plane per colour channel (1 = gray, 3 = RGB; alpha is not
 * passed), values nominally 0..1 in the encoding the manifest asks for (`encoding:`, default
 * the image's own), straight (not premultiplied). A tile is the plugin's core region plus
 * `halo` pixels of context on each side, clipped at the image border; `process` writes its
 * result in place over the whole tile (the host keeps only the core).
 *
 * Compatibility: a change to these structures or to the meaning of a field increments
 * RESTORE_PLUGIN_ABI_VERSION; restore refuses a plugin built for another version.
 */
#ifndef RESTORE_PLUGIN_H
#define RESTORE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RESTORE_PLUGIN_ABI_VERSION 1u

/* One tile handed to `process`. */
typedef struct restore_tile {
    float *planes;            /* channels planes of width*height floats, row-major, in place */
    ptrdiff_t plane_stride;   /* floats from one plane to the next (>= width*height) */
    int32_t width, height;    /* tile size in pixels, context included */
    int32_t channels;         /* 1 or 3 */
    int32_t x, y;             /* the tile's top-left pixel in the image */
    int32_t image_width, image_height;
    const double *params;     /* the manifest's parameters, in manifest order */
    int32_t param_count;
} restore_tile;

/* What restore_plugin_entry returns; static storage owned by the plugin. */
typedef struct restore_plugin {
    uint32_t abi_version;     /* RESTORE_PLUGIN_ABI_VERSION the plugin was built with */
    const char *name;         /* for messages */
    int32_t halo;             /* context the plugin needs on each side, in pixels */
    /* Processes one tile in place. Returns 0 on success; otherwise writes a NUL-terminated
     * message of at most message_size bytes and returns non-zero. */
    int (*process)(const restore_tile *tile, char *message, size_t message_size);
} restore_plugin;

/* The one symbol restore looks up. */
const restore_plugin *restore_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif
