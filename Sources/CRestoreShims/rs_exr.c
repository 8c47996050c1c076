// OpenEXR through OpenEXRCore (the C API of OpenEXR 3.x): header queries, chunk decoding
// into float planes, and chunk encoding with in-memory compression so that Swift can run
// chunks on several threads and the file is still written in order.
#include "rs_exr.h"
#include <OpenEXR/openexr.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rs_exr_reader {
    exr_context_t ctx;
    pthread_mutex_t lock;
    char last[512];  // the library's last message (its handler runs on the failing thread)
};

static void on_error(exr_const_context_t ctxt, exr_result_t code, const char *msg) {
    void *user = NULL;
    if (exr_get_user_data(ctxt, &user) != EXR_ERR_SUCCESS || !user) return;
    struct rs_exr_reader *r = (struct rs_exr_reader *)user;  // writers share the layout's head
    pthread_mutex_lock(&r->lock);
    snprintf(r->last, sizeof r->last, "%s", msg ? msg : exr_get_default_error_message(code));
    pthread_mutex_unlock(&r->lock);
}

static int fail(char *err, size_t errlen, pthread_mutex_t *lock, const char *last, exr_result_t rv,
                const char *what) {
    char copy[512] = "";
    if (lock) { pthread_mutex_lock(lock); snprintf(copy, sizeof copy, "%s", last); pthread_mutex_unlock(lock); }
    if (copy[0]) snprintf(err, errlen, "%s: %s", what, copy);
    else snprintf(err, errlen, "%s: %s", what, exr_get_default_error_message(rv));
    return -1;
}
#define FAIL_R(r, rv, what) fail(err, errlen, &(r)->lock, (r)->last, rv, what)

int rs_exr_open(const char *path, rs_exr_reader **out, char *err, size_t errlen) {
    struct rs_exr_reader *r = calloc(1, sizeof *r);
    if (!r) { snprintf(err, errlen, "out of memory"); return -1; }
    pthread_mutex_init(&r->lock, NULL);
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_error;
    init.user_data = r;
    // Bounds on what a header may ask for before anything is allocated.
    init.max_image_width = 1 << 20;
    init.max_image_height = 1 << 20;
    init.max_tile_width = 1 << 16;
    init.max_tile_height = 1 << 16;
    exr_result_t rv = exr_start_read(&r->ctx, path, &init);
    if (rv != EXR_ERR_SUCCESS) {
        fail(err, errlen, &r->lock, r->last, rv, "not a readable OpenEXR file");
        if (r->ctx) exr_finish(&r->ctx);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void rs_exr_close(rs_exr_reader *r) {
    if (!r) return;
    exr_finish(&r->ctx);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

int rs_exr_part_count(const rs_exr_reader *r) {
    int n = 0;
    if (exr_get_count(r->ctx, &n) != EXR_ERR_SUCCESS) return 0;
    return n;
}

int rs_exr_part_info(rs_exr_reader *r, int part, rs_exr_part *o, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    exr_result_t rv;
    const char *name = NULL;
    if (exr_get_name(r->ctx, part, &name) == EXR_ERR_SUCCESS && name) snprintf(o->name, sizeof o->name, "%s", name);
    exr_storage_t st;
    if ((rv = exr_get_storage(r->ctx, part, &st)) != EXR_ERR_SUCCESS) return FAIL_R(r, rv, "part storage");
    o->storage = (int)st;
    exr_compression_t c;
    if ((rv = exr_get_compression(r->ctx, part, &c)) != EXR_ERR_SUCCESS) return FAIL_R(r, rv, "compression");
    o->compression = (int)c;
    exr_attr_box2i_t dw, dp;
    if ((rv = exr_get_data_window(r->ctx, part, &dw)) != EXR_ERR_SUCCESS) return FAIL_R(r, rv, "data window");
    if ((rv = exr_get_display_window(r->ctx, part, &dp)) != EXR_ERR_SUCCESS) return FAIL_R(r, rv, "display window");
    o->data[0] = dw.min.x; o->data[1] = dw.min.y; o->data[2] = dw.max.x; o->data[3] = dw.max.y;
    o->display[0] = dp.min.x; o->display[1] = dp.min.y; o->display[2] = dp.max.x; o->display[3] = dp.max.y;
    const exr_attr_chlist_t *ch = NULL;
    if ((rv = exr_get_channels(r->ctx, part, &ch)) != EXR_ERR_SUCCESS || !ch) return FAIL_R(r, rv, "channel list");
    o->channels = ch->num_channels;
    if (st == EXR_STORAGE_TILED || st == EXR_STORAGE_DEEP_TILED) {
        exr_tile_level_mode_t lm; exr_tile_round_mode_t rm;
        if ((rv = exr_get_tile_descriptor(r->ctx, part, &o->tile_w, &o->tile_h, &lm, &rm)) != EXR_ERR_SUCCESS)
            return FAIL_R(r, rv, "tile description");
        o->tile_levels = (int)lm;
        if (o->tile_w == 0 || o->tile_h == 0) { snprintf(err, errlen, "tile size 0"); return -1; }
    }
    exr_attr_chromaticities_t chr;
    if (exr_attr_get_chromaticities(r->ctx, part, "chromaticities", &chr) == EXR_ERR_SUCCESS) {
        o->has_chromaticities = 1;
        float v[8] = {chr.red_x, chr.red_y, chr.green_x, chr.green_y, chr.blue_x, chr.blue_y, chr.white_x, chr.white_y};
        memcpy(o->chromaticities, v, sizeof v);
    }
    o->pixel_aspect = 1;
    exr_get_pixel_aspect_ratio(r->ctx, part, &o->pixel_aspect);
    exr_attr_timecode_t tc;
    if (exr_attr_get_timecode(r->ctx, part, "timeCode", &tc) == EXR_ERR_SUCCESS) {
        o->has_timecode = 1; o->timecode = tc.time_and_flags; o->timecode_user = tc.user_data;
    }
    exr_attr_rational_t fps;
    if (exr_attr_get_rational(r->ctx, part, "framesPerSecond", &fps) == EXR_ERR_SUCCESS && fps.denom != 0) {
        o->has_fps = 1; o->fps_num = fps.num; o->fps_den = fps.denom;
    }
    if (st == EXR_STORAGE_SCANLINE) {
        int32_t lines = 0;
        if ((rv = exr_get_scanlines_per_chunk(r->ctx, part, &lines)) != EXR_ERR_SUCCESS || lines <= 0)
            return FAIL_R(r, rv, "scanlines per chunk");
        int64_t h = (int64_t)dw.max.y - dw.min.y + 1;
        o->chunks = (int32_t)((h + lines - 1) / lines);
    } else if (st == EXR_STORAGE_TILED) {
        int64_t w = (int64_t)dw.max.x - dw.min.x + 1, h = (int64_t)dw.max.y - dw.min.y + 1;
        int64_t n = ((w + o->tile_w - 1) / o->tile_w) * ((h + o->tile_h - 1) / o->tile_h);
        if (n > INT32_MAX) { snprintf(err, errlen, "%lld tiles", (long long)n); return -1; }
        o->chunks = (int32_t)n;
    }
    return 0;
}

int rs_exr_channel(rs_exr_reader *r, int part, int index, const char **name, int *type, int *xs, int *ys) {
    const exr_attr_chlist_t *ch = NULL;
    if (exr_get_channels(r->ctx, part, &ch) != EXR_ERR_SUCCESS || !ch || index < 0 || index >= ch->num_channels) return -1;
    const exr_attr_chlist_entry_t *e = &ch->entries[index];
    *name = e->name.str; *type = (int)e->pixel_type; *xs = e->x_sampling; *ys = e->y_sampling;
    return 0;
}

/// The chunk info of chunk `k` (scanline block or level-0 tile).
static exr_result_t chunk_info(rs_exr_reader *r, int part, const rs_exr_part *info, int32_t k, exr_chunk_info_t *ci) {
    if (info->storage == EXR_STORAGE_SCANLINE) {
        int32_t lines = 0;
        exr_result_t rv = exr_get_scanlines_per_chunk(r->ctx, part, &lines);
        if (rv != EXR_ERR_SUCCESS) return rv;
        return exr_read_scanline_chunk_info(r->ctx, part, info->data[1] + k * lines, ci);
    }
    int64_t w = (int64_t)info->data[2] - info->data[0] + 1;
    int32_t across = (int32_t)((w + info->tile_w - 1) / info->tile_w);
    return exr_read_tile_chunk_info(r->ctx, part, k % across, k / across, 0, 0, ci);
}

/// Whether a channel is decoded but not kept: no plane asked for, or subsampled.
static int skipped(const float *plane, const exr_coding_channel_info_t *cc) {
    return !plane || cc->x_samples != 1 || cc->y_samples != 1;
}

/// The channel's samples in the current chunk.
static size_t plane_area(const exr_coding_channel_info_t *cc) {
    return (size_t)(cc->width > 0 ? cc->width : 0) * (size_t)(cc->height > 0 ? cc->height : 0);
}

int rs_exr_decode(rs_exr_reader *r, int part, int32_t first, int32_t last, float *const *planes, char *err, size_t errlen) {
    rs_exr_part info;
    if (rs_exr_part_info(r, part, &info, err, errlen) != 0) return -1;
    if (info.storage != EXR_STORAGE_SCANLINE && info.storage != EXR_STORAGE_TILED) {
        snprintf(err, errlen, "deep data is not an image restore reads"); return -1;
    }
    int64_t width = (int64_t)info.data[2] - info.data[0] + 1;
    exr_decode_pipeline_t dec = EXR_DECODE_PIPELINE_INITIALIZER;
    int started = 0, status = 0;
    // Channels restore does not read are decoded into scratch space: OpenEXRCore 3.1's
    // specialised unpackers (chosen by channel count and type) write through every channel's
    // pointer, so a NULL one, which the generic path takes as "skip", is written to. The
    // skipped channels share it (what they hold is discarded), so it is one chunk's plane at most.
    float *scratch = NULL;
    size_t scratch_len = 0;
    for (int32_t k = first; k < last; k++) {
        exr_chunk_info_t ci;
        exr_result_t rv = chunk_info(r, part, &info, k, &ci);
        if (rv != EXR_ERR_SUCCESS) { status = FAIL_R(r, rv, "chunk table"); break; }
        rv = started ? exr_decoding_update(r->ctx, part, &ci, &dec) : exr_decoding_initialize(r->ctx, part, &ci, &dec);
        if (rv != EXR_ERR_SUCCESS) { status = FAIL_R(r, rv, "chunk header"); break; }
        started = 1;
        // Pixel origin of the chunk inside the data window.
        int64_t x0 = 0, y0 = (int64_t)ci.start_y - info.data[1];
        if (info.storage == EXR_STORAGE_TILED) {
            int32_t across = (int32_t)((width + info.tile_w - 1) / info.tile_w);
            x0 = (int64_t)(k % across) * info.tile_w;
            y0 = (int64_t)(k / across) * info.tile_h;
        }
        size_t largest = 1;
        for (int c = 0; c < dec.channel_count; c++) {
            const exr_coding_channel_info_t *cc = &dec.channels[c];
            if (skipped(planes[c], cc) && plane_area(cc) > largest) largest = plane_area(cc);
        }
        if (largest > scratch_len) {
            float *grown = realloc(scratch, largest * sizeof *scratch);
            if (!grown) { snprintf(err, errlen, "out of memory"); status = -1; break; }
            scratch = grown; scratch_len = largest;
        }
        for (int c = 0; c < dec.channel_count; c++) {
            exr_coding_channel_info_t *cc = &dec.channels[c];
            if (skipped(planes[c], cc)) {
                cc->decode_to_ptr = (uint8_t *)scratch;
                cc->user_line_stride = 4 * (cc->width > 0 ? cc->width : 0);
            } else {
                cc->decode_to_ptr = (uint8_t *)(planes[c] + y0 * width + x0);
                cc->user_line_stride = (int32_t)(4 * width);
            }
            cc->user_pixel_stride = 4;
            cc->user_bytes_per_element = 4;
            cc->user_data_type = EXR_PIXEL_FLOAT;
        }
        if ((rv = exr_decoding_choose_default_routines(r->ctx, part, &dec)) != EXR_ERR_SUCCESS) {
            status = FAIL_R(r, rv, "decoder"); break;
        }
        if ((rv = exr_decoding_run(r->ctx, part, &dec)) != EXR_ERR_SUCCESS) {
            char what[64]; snprintf(what, sizeof what, "chunk %d of %d", k + 1, info.chunks);
            status = FAIL_R(r, rv, what); break;
        }
    }
    if (started) exr_decoding_destroy(r->ctx, &dec);
    free(scratch);
    return status;
}

const char *rs_exr_string_attr(rs_exr_reader *r, int part, const char *name) {
    const char *s = NULL; int32_t len = 0;
    if (exr_attr_get_string(r->ctx, part, name, &len, &s) != EXR_ERR_SUCCESS) return NULL;
    return s;
}

int rs_exr_attr_count(rs_exr_reader *r, int part) {
    int32_t n = 0;
    if (exr_get_attribute_count(r->ctx, part, &n) != EXR_ERR_SUCCESS) return 0;
    return n;
}

int rs_exr_attr(rs_exr_reader *r, int part, int index, const char **name, const char **type, const char **string_value) {
    const exr_attribute_t *a = NULL;
    if (exr_get_attribute_by_index(r->ctx, part, EXR_ATTR_LIST_FILE_ORDER, index, &a) != EXR_ERR_SUCCESS || !a) return -1;
    *name = a->name; *type = a->type_name;
    *string_value = (a->type == EXR_ATTR_STRING && a->string) ? a->string->str : NULL;
    return 0;
}

// MARK: writing

typedef struct { void *data; uint64_t size; } chunk_blob;

struct rs_exr_writer {
    exr_context_t ctx;  // set after the head below, which on_error reads as a reader's
    pthread_mutex_t lock;
    char last[512];
    rs_exr_write_params p;
    int32_t chunks, lines, across;
    chunk_blob *blobs;
};

// on_error casts user data to a reader; the writer starts with the same fields.
_Static_assert(offsetof(struct rs_exr_writer, lock) == offsetof(struct rs_exr_reader, lock), "layout");
_Static_assert(offsetof(struct rs_exr_writer, last) == offsetof(struct rs_exr_reader, last), "layout");

void rs_exr_writer_free(rs_exr_writer *w) {
    if (!w) return;
    if (w->ctx) exr_finish(&w->ctx);
    if (w->blobs) { for (int32_t i = 0; i < w->chunks; i++) free(w->blobs[i].data); free(w->blobs); }
    pthread_mutex_destroy(&w->lock);
    free(w);
}

#define FAIL_W(w, rv, what) fail(err, errlen, &(w)->lock, (w)->last, rv, what)

int rs_exr_writer_begin(const char *path, const rs_exr_write_params *p, rs_exr_writer **out, int32_t *chunks,
                        char *err, size_t errlen) {
    if (p->channels < 1 || p->channels > 4 || p->width <= 0 || p->height <= 0) { snprintf(err, errlen, "bad image"); return -1; }
    struct rs_exr_writer *w = calloc(1, sizeof *w);
    if (!w) { snprintf(err, errlen, "out of memory"); return -1; }
    pthread_mutex_init(&w->lock, NULL);
    w->p = *p;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_error;
    init.user_data = w;
    if (p->zip_level >= 0) init.zip_level = p->zip_level;
    exr_result_t rv = exr_start_write(&w->ctx, path, EXR_WRITE_FILE_DIRECTLY, &init);
    if (rv != EXR_ERR_SUCCESS) { FAIL_W(w, rv, "cannot create the file"); rs_exr_writer_free(w); return -1; }
    int part = 0;
    exr_storage_t st = p->tiled ? EXR_STORAGE_TILED : EXR_STORAGE_SCANLINE;
    if ((rv = exr_add_part(w->ctx, "rgba", st, &part)) != EXR_ERR_SUCCESS) goto bad;
    if ((rv = exr_initialize_required_attr_simple(w->ctx, part, p->width, p->height, (exr_compression_t)p->compression)) != EXR_ERR_SUCCESS) goto bad;
    exr_attr_box2i_t dw = {{p->data_x, p->data_y}, {p->data_x + p->width - 1, p->data_y + p->height - 1}};
    if ((rv = exr_set_data_window(w->ctx, part, &dw)) != EXR_ERR_SUCCESS) goto bad;
    exr_attr_box2i_t dp = dw;
    if (p->has_display) { dp.min.x = p->display[0]; dp.min.y = p->display[1]; dp.max.x = p->display[2]; dp.max.y = p->display[3]; }
    if ((rv = exr_set_display_window(w->ctx, part, &dp)) != EXR_ERR_SUCCESS) goto bad;
    if (p->pixel_aspect > 0) exr_set_pixel_aspect_ratio(w->ctx, part, p->pixel_aspect);
    for (int c = 0; c < p->channels; c++) {
        if ((rv = exr_add_channel(w->ctx, part, p->names[c], (exr_pixel_type_t)p->pixel_type, EXR_PERCEPTUALLY_LOGARITHMIC, 1, 1)) != EXR_ERR_SUCCESS) goto bad;
    }
    if (p->tiled) {
        if ((rv = exr_set_tile_descriptor(w->ctx, part, p->tile_w, p->tile_h, EXR_TILE_ONE_LEVEL, EXR_TILE_ROUND_DOWN)) != EXR_ERR_SUCCESS) goto bad;
    }
    if (p->has_chromaticities) {
        const float *v = p->chromaticities;
        exr_attr_chromaticities_t chr = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
        if ((rv = exr_attr_set_chromaticities(w->ctx, part, "chromaticities", &chr)) != EXR_ERR_SUCCESS) goto bad;
    }
    if (p->has_timecode) {
        exr_attr_timecode_t tc = {p->timecode, p->timecode_user};
        if ((rv = exr_attr_set_timecode(w->ctx, part, "timeCode", &tc)) != EXR_ERR_SUCCESS) goto bad;
    }
    if (p->has_fps && p->fps_den != 0) {
        exr_attr_rational_t fps = {p->fps_num, p->fps_den};
        if ((rv = exr_attr_set_rational(w->ctx, part, "framesPerSecond", &fps)) != EXR_ERR_SUCCESS) goto bad;
    }
    for (int i = 0; i < p->string_attrs; i++) {
        if ((rv = exr_attr_set_string(w->ctx, part, p->attr_names[i], p->attr_values[i])) != EXR_ERR_SUCCESS) goto bad;
    }
    if ((rv = exr_write_header(w->ctx)) != EXR_ERR_SUCCESS) goto bad;
    if (p->tiled) {
        w->across = (int32_t)((p->width + p->tile_w - 1) / p->tile_w);
        w->chunks = w->across * (int32_t)((p->height + p->tile_h - 1) / p->tile_h);
    } else {
        if ((rv = exr_get_scanlines_per_chunk(w->ctx, part, &w->lines)) != EXR_ERR_SUCCESS) goto bad;
        w->chunks = (p->height + w->lines - 1) / w->lines;
    }
    w->blobs = calloc((size_t)w->chunks, sizeof *w->blobs);
    if (!w->blobs) { snprintf(err, errlen, "out of memory"); rs_exr_writer_free(w); return -1; }
    *chunks = w->chunks;
    *out = w;
    return 0;
bad:
    FAIL_W(w, rv, "header");
    rs_exr_writer_free(w);
    return -1;
}

/// Keeps the compressed chunk instead of writing it (the pipeline's last step).
static exr_result_t keep_chunk(exr_encode_pipeline_t *enc) {
    chunk_blob *b = (chunk_blob *)enc->encoding_user_data;
    const void *src = enc->compressed_buffer ? enc->compressed_buffer : enc->packed_buffer;
    uint64_t n = enc->compressed_buffer ? enc->compressed_bytes : enc->packed_bytes;
    if (enc->compressed_buffer == enc->packed_buffer || !enc->compressed_buffer) { src = enc->packed_buffer; n = enc->packed_bytes; }
    // A compressor that could not shrink the chunk leaves it packed (OpenEXR stores it raw).
    if (enc->compressed_buffer && enc->compressed_bytes < enc->packed_bytes) { src = enc->compressed_buffer; n = enc->compressed_bytes; }
    b->data = malloc(n ? n : 1);
    if (!b->data) return EXR_ERR_OUT_OF_MEMORY;
    memcpy(b->data, src, n);
    b->size = n;
    return EXR_ERR_SUCCESS;
}

int rs_exr_writer_encode(rs_exr_writer *w, int32_t first, int32_t last, char *err, size_t errlen) {
    exr_encode_pipeline_t enc = EXR_ENCODE_PIPELINE_INITIALIZER;
    int started = 0, status = 0;
    for (int32_t k = first; k < last; k++) {
        exr_chunk_info_t ci;
        exr_result_t rv;
        int64_t x0 = 0, y0;
        if (w->p.tiled) {
            rv = exr_write_tile_chunk_info(w->ctx, 0, k % w->across, k / w->across, 0, 0, &ci);
            x0 = (int64_t)(k % w->across) * w->p.tile_w;
            y0 = (int64_t)(k / w->across) * w->p.tile_h;
        } else {
            rv = exr_write_scanline_chunk_info(w->ctx, 0, w->p.data_y + k * w->lines, &ci);
            y0 = (int64_t)k * w->lines;
        }
        if (rv != EXR_ERR_SUCCESS) { status = FAIL_W(w, rv, "chunk"); break; }
        rv = started ? exr_encoding_update(w->ctx, 0, &ci, &enc) : exr_encoding_initialize(w->ctx, 0, &ci, &enc);
        if (rv != EXR_ERR_SUCCESS) { status = FAIL_W(w, rv, "encoder"); break; }
        started = 1;
        for (int c = 0; c < enc.channel_count; c++) {
            exr_coding_channel_info_t *cc = &enc.channels[c];
            int src = -1;  // channels come back sorted by name; find ours
            for (int i = 0; i < w->p.channels; i++) if (strcmp(cc->channel_name, w->p.names[i]) == 0) src = i;
            if (src < 0) { snprintf(err, errlen, "channel %s", cc->channel_name); status = -1; break; }
            cc->encode_from_ptr = (const uint8_t *)(w->p.planes[src] + y0 * w->p.width + x0);
            cc->user_pixel_stride = 4;
            cc->user_line_stride = 4 * w->p.width;
            cc->user_bytes_per_element = 4;
            cc->user_data_type = EXR_PIXEL_FLOAT;
        }
        if (status) break;
        enc.encoding_user_data = &w->blobs[k];
        if ((rv = exr_encoding_choose_default_routines(w->ctx, 0, &enc)) != EXR_ERR_SUCCESS) { status = FAIL_W(w, rv, "encoder"); break; }
        enc.write_fn = keep_chunk;
        enc.yield_until_ready_fn = NULL;  // its in-order check is for direct writes; finish orders them
        if ((rv = exr_encoding_run(w->ctx, 0, &enc)) != EXR_ERR_SUCCESS) { status = FAIL_W(w, rv, "compression"); break; }
    }
    if (started) exr_encoding_destroy(w->ctx, &enc);
    return status;
}

int rs_exr_writer_finish(rs_exr_writer *w, char *err, size_t errlen) {
    for (int32_t k = 0; k < w->chunks; k++) {
        chunk_blob *b = &w->blobs[k];
        if (!b->data) { snprintf(err, errlen, "chunk %d was not encoded", k); return -1; }
        exr_result_t rv = w->p.tiled
            ? exr_write_tile_chunk(w->ctx, 0, k % w->across, k / w->across, 0, 0, b->data, b->size)
            : exr_write_scanline_chunk(w->ctx, 0, w->p.data_y + k * w->lines, b->data, b->size);
        if (rv != EXR_ERR_SUCCESS) return FAIL_W(w, rv, "write");
        free(b->data); b->data = NULL;
    }
    exr_result_t rv = exr_finish(&w->ctx);
    w->ctx = NULL;
    if (rv != EXR_ERR_SUCCESS) { snprintf(err, errlen, "finish: %s", exr_get_default_error_message(rv)); return -1; }
    return 0;
}
