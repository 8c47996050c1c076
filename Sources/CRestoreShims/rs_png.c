#include <errno.h>
#include <string.h>
#include "rs_png.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct { char *buf; size_t len; } rs_errsink;

static void rs_png_error(png_structp png, png_const_charp msg) {
    rs_errsink *sink = (rs_errsink *)png_get_error_ptr(png);
    int e = errno;  /* libpng's own I/O errors ("Write Error") say nothing of why: add errno */
    if (sink && sink->buf && sink->len) {
        if (e && msg && (strstr(msg, "Write Error") || strstr(msg, "Read Error")))
            snprintf(sink->buf, sink->len, "%s: %s", msg, strerror(e));
        else
            snprintf(sink->buf, sink->len, "%s", msg);
    }
    png_longjmp(png, 1);
}
static void rs_png_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

static void set_err(char *err, size_t len, const char *msg) {
    if (err && len) snprintf(err, len, "%s", msg);
}

void rs_png_free(rs_png_image *img) {
    if (!img) return;
    free(img->icc); free(img->exif); free(img->pixels);
    img->icc = NULL; img->exif = NULL; img->pixels = NULL;
}

int rs_png_read(const char *path, int header_only, uint64_t max_pixels, rs_png_image *out,
                char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->srgb_intent = -1;
    FILE *fp = fopen(path, "rb");
    if (!fp) { set_err(err, errlen, "cannot open file"); return -1; }
    unsigned char sig[8];
    if (fread(sig, 1, 8, fp) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
        fclose(fp); set_err(err, errlen, "not a PNG file (bad signature)"); return -1;
    }
    rs_errsink sink = { err, errlen };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, rs_png_error, rs_png_warning);
    if (!png) { fclose(fp); set_err(err, errlen, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); fclose(fp); set_err(err, errlen, "out of memory"); return -1; }
    png_bytep *volatile rows = NULL;
    /* volatile: these are written after setjmp and read after a longjmp */
    rs_png_image *volatile o = out;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        rs_png_free(o);
        png_destroy_read_struct(&png, &info, NULL);
        fclose(fp);
        return -1;
    }
    png_init_io(png, fp);
#ifdef PNG_SKIP_sRGB_CHECK_PROFILE
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);  /* as on write, below */
#endif
    png_set_sig_bytes(png, 8);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(png, 64u << 20);
    png_read_info(png, info);

    png_uint_32 w, h; int depth, ctype, ilace;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, &ilace, NULL, NULL);
    out->width = w; out->height = h;
    out->source_bit_depth = depth; out->color_type = ctype;
    out->interlaced = ilace != PNG_INTERLACE_NONE;
    if ((uint64_t)w * (uint64_t)h > max_pixels) {
        snprintf(err, errlen, "image too large: %ux%u exceeds the limit of %llu pixels", w, h,
                 (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL); fclose(fp); return -1;
    }

    png_charp name; int ctype_unused; png_bytep prof; png_uint_32 plen;
    if (png_get_iCCP(png, info, &name, &ctype_unused, &prof, &plen) && plen > 0) {
        out->icc = malloc(plen);
        if (out->icc) { memcpy(out->icc, prof, plen); out->icc_len = plen; }
        snprintf(out->icc_name, sizeof out->icc_name, "%s", name);
    }
    int intent;
    if (png_get_sRGB(png, info, &intent)) out->srgb_intent = intent;
    double g;
    if (png_get_gAMA(png, info, &g)) out->gamma = g;
    double c[8];
    if (png_get_cHRM(png, info, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7])) {
        out->has_chrm = 1; memcpy(out->chrm, c, sizeof c);
    }
    png_uint_32 rx, ry; int unit;
    if (png_get_pHYs(png, info, &rx, &ry, &unit)) {
        out->has_phys = 1; out->res_x = rx; out->res_y = ry; out->res_unit = unit;
    }
#ifdef PNG_eXIf_SUPPORTED
    png_bytep exif; png_uint_32 elen;
    if (png_get_eXIf_1(png, info, &elen, &exif) && elen > 0) {
        out->exif = malloc(elen);
        if (out->exif) { memcpy(out->exif, exif, elen); out->exif_len = elen; }
    }
#endif
    out->has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    /* Expansion: palette -> RGB, tRNS -> alpha, low-bit gray -> 8 bits. */
    if (ctype == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (out->has_trns) png_set_tRNS_to_alpha(png);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (depth == 16) png_set_swap(png);
#endif
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    out->channels = png_get_channels(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->rowbytes = png_get_rowbytes(png, info);

    if (!header_only) {
        size_t total = out->rowbytes * (size_t)h;
        out->pixels = malloc(total ? total : 1);
        rows = malloc(sizeof(png_bytep) * (h ? h : 1));
        if (!out->pixels || !rows) { snprintf(err, errlen, "out of memory for %ux%u pixels", w, h); png_longjmp(png, 1); }
        for (png_uint_32 y = 0; y < h; y++) rows[y] = out->pixels + (size_t)y * out->rowbytes;
        png_read_image(png, rows);
        png_read_end(png, NULL);
        free(rows); rows = NULL;
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(fp);
    return 0;
}

int rs_png_write(const char *path, const rs_png_write_params *p, char *err, size_t errlen) {
    FILE *fp = fopen(path, "wb");
    if (!fp) { set_err(err, errlen, "cannot create file"); return -1; }
    rs_errsink sink = { err, errlen };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, rs_png_error, rs_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        fclose(fp); set_err(err, errlen, "out of memory"); return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(fp);
        return -1;
    }
    png_init_io(png, fp);
#ifdef PNG_SKIP_sRGB_CHECK_PROFILE
    /* Keep embedded profiles byte for byte: libpng otherwise rejects some widely used sRGB
       profiles (HP's 1998 one, in many cameras' JPEGs) as "known incorrect". */
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
#endif
    static const int types[5] = { 0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA };
    if (p->channels < 1 || p->channels > 4 || (p->bit_depth != 8 && p->bit_depth != 16)) {
        set_err(err, errlen, "unsupported channel count or bit depth for PNG");
        png_longjmp(png, 1);
    }
    png_set_IHDR(png, info, p->width, p->height, p->bit_depth, types[p->channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (p->icc && p->icc_len) {
        png_set_iCCP(png, info, p->icc_name ? p->icc_name : "ICC profile", PNG_COMPRESSION_TYPE_BASE,
                     p->icc, p->icc_len);
    }
#ifdef PNG_eXIf_SUPPORTED
    if (p->exif && p->exif_len) png_set_eXIf_1(png, info, p->exif_len, (png_bytep)p->exif);
#endif
    if (p->has_phys) png_set_pHYs(png, info, p->res_x, p->res_y, PNG_RESOLUTION_METER);
    png_set_compression_level(png, p->compression_level);
    if (p->filters >= 0) png_set_filter(png, PNG_FILTER_TYPE_BASE, p->filters);
    png_write_info(png, info);
    if (p->idat) {
        /* Pre-compressed data: frame it as IDAT chunks of at most 1 MiB, then IEND. */
        for (size_t at = 0; at < p->idat_len; at += (size_t)1 << 20) {
            size_t n = p->idat_len - at < ((size_t)1 << 20) ? p->idat_len - at : ((size_t)1 << 20);
            png_write_chunk(png, (png_const_bytep)"IDAT", p->idat + at, n);
        }
        png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
    } else {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (p->bit_depth == 16) png_set_swap(png);
#endif
        for (uint32_t y = 0; y < p->height; y++)
            png_write_row(png, (png_const_bytep)(p->pixels + (size_t)y * p->rowbytes));
        png_write_end(png, info);
    }
    png_destroy_write_struct(&png, &info);
    if (fclose(fp) != 0) { set_err(err, errlen, "write failed (disk full?)"); return -1; }
    return 0;
}

int rs_deflate_segment(const uint8_t *in, size_t len, int level, int last,
                       uint8_t **out, size_t *out_len, uint32_t *adler) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    size_t cap = deflateBound(&z, (uLong)len) + 16;
    uint8_t *buf = malloc(cap);
    if (!buf) { deflateEnd(&z); return -1; }
    z.next_in = (Bytef *)in; z.avail_in = (uInt)len;
    z.next_out = buf; z.avail_out = (uInt)cap;
    int rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    if ((last && rc != Z_STREAM_END) || (!last && rc != Z_OK) || z.avail_in != 0) {
        free(buf); deflateEnd(&z); return -1;
    }
    *out = buf; *out_len = cap - z.avail_out;
    *adler = (uint32_t)adler32(adler32(0L, Z_NULL, 0), in, (uInt)len);
    deflateEnd(&z);
    return 0;
}

uint32_t rs_adler32_combine(uint32_t a, uint32_t b, size_t len_b) {
    return (uint32_t)adler32_combine(a, b, (z_off_t)len_b);
}
