#include "rs_jpeg.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *err; size_t errlen;
} rs_jpeg_err;

static void rs_jpeg_error_exit(j_common_ptr cinfo) {
    rs_jpeg_err *e = (rs_jpeg_err *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, msg);
    if (e->err && e->errlen) snprintf(e->err, e->errlen, "%s", msg);
    longjmp(e->jump, 1);
}

/* Corrupt-data warnings (premature end of data etc.) are errors for us: no partial images. */
static void rs_jpeg_emit(j_common_ptr cinfo, int level) {
    if (level < 0) rs_jpeg_error_exit(cinfo);
}

void rs_jpeg_free(rs_jpeg_image *img) {
    if (!img) return;
    free(img->icc); free(img->exif); free(img->pixels);
    img->icc = NULL; img->exif = NULL; img->pixels = NULL;
}

int rs_jpeg_read(const char *path, int header_only, uint64_t max_pixels, rs_jpeg_image *out,
                 char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) { snprintf(err, errlen, "cannot open file"); return -1; }
    struct jpeg_decompress_struct cinfo;
    rs_jpeg_err jerr;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = rs_jpeg_error_exit;
    jerr.pub.emit_message = rs_jpeg_emit;
    jerr.err = err; jerr.errlen = errlen;
    rs_jpeg_image *volatile o = out;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        rs_jpeg_free(o);
        fclose(fp);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, fp);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xffff);
    jpeg_read_header(&cinfo, TRUE);
    out->width = cinfo.image_width; out->height = cinfo.image_height;
    out->jpeg_color_space = cinfo.jpeg_color_space;
    out->progressive = cinfo.progressive_mode;
    out->density_unit = cinfo.density_unit;
    out->x_density = cinfo.X_density; out->y_density = cinfo.Y_density;
    if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        snprintf(err, errlen, "image too large: %ux%u exceeds the limit of %llu pixels",
                 cinfo.image_width, cinfo.image_height, (unsigned long long)max_pixels);
        longjmp(jerr.jump, 1);
    }
    JOCTET *icc = NULL; unsigned int icc_len = 0;
    if (jpeg_read_icc_profile(&cinfo, &icc, &icc_len) && icc) {
        out->icc = (uint8_t *)icc; out->icc_len = icc_len;
    }
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && memcmp(m->data, "Exif\0\0", 6) == 0 && !out->exif) {
            out->exif_len = m->data_length - 6;
            out->exif = malloc(out->exif_len);
            if (out->exif) memcpy(out->exif, m->data + 6, out->exif_len); else out->exif_len = 0;
        }
    }
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; out->channels = 1; break;
    case JCS_YCbCr: case JCS_RGB: cinfo.out_color_space = JCS_RGB; out->channels = 3; break;
    default:
        snprintf(err, errlen, "unsupported JPEG colour space %d (CMYK/YCCK JPEGs are not supported)",
                 (int)cinfo.jpeg_color_space);
        longjmp(jerr.jump, 1);
    }
    if (!header_only) {
        jpeg_start_decompress(&cinfo);
        size_t stride = (size_t)cinfo.output_width * cinfo.output_components;
        out->pixels = malloc(stride * cinfo.output_height + 1);
        if (!out->pixels) { snprintf(err, errlen, "out of memory"); longjmp(jerr.jump, 1); }
        while (cinfo.output_scanline < cinfo.output_height) {
            JSAMPROW row = out->pixels + stride * cinfo.output_scanline;
            jpeg_read_scanlines(&cinfo, &row, 1);
        }
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    fclose(fp);
    return 0;
}

int rs_jpeg_write(const char *path, const rs_jpeg_write_params *p, char *err, size_t errlen) {
    FILE *fp = fopen(path, "wb");
    if (!fp) { snprintf(err, errlen, "cannot create file"); return -1; }
    struct jpeg_compress_struct cinfo;
    rs_jpeg_err jerr;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = rs_jpeg_error_exit;
    jerr.err = err; jerr.errlen = errlen;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_compress(&cinfo);
        fclose(fp);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, fp);
    cinfo.image_width = p->width; cinfo.image_height = p->height;
    cinfo.input_components = p->channels;
    cinfo.in_color_space = p->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, p->quality, TRUE);
    if (p->quality >= 90) { /* no chroma subsampling at high quality */
        for (int i = 0; i < cinfo.num_components; i++) {
            cinfo.comp_info[i].h_samp_factor = 1; cinfo.comp_info[i].v_samp_factor = 1;
        }
    }
    if (p->density_unit > 0) {
        cinfo.density_unit = (UINT8)p->density_unit;
        cinfo.X_density = (UINT16)p->x_density; cinfo.Y_density = (UINT16)p->y_density;
    }
    jpeg_start_compress(&cinfo, TRUE);
    if (p->exif && p->exif_len && p->exif_len <= 65533 - 6) {
        unsigned char *buf = malloc(p->exif_len + 6);
        if (buf) {
            memcpy(buf, "Exif\0\0", 6); memcpy(buf + 6, p->exif, p->exif_len);
            jpeg_write_marker(&cinfo, JPEG_APP0 + 1, buf, p->exif_len + 6);
            free(buf);
        }
    }
    if (p->icc && p->icc_len) jpeg_write_icc_profile(&cinfo, p->icc, p->icc_len);
    size_t stride = (size_t)p->width * p->channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(p->pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (fclose(fp) != 0) { snprintf(err, errlen, "write failed (disk full?)"); return -1; }
    return 0;
}
