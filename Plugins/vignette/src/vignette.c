/*
 * vignette — the example native plugin: darkens (or, with a negative strength, brightens)
 * the corners with a smooth radial falloff, in the image's own encoding.
 * Parameters (plugin.yaml order): strength in -1..1, radius in 0.1..2 (of the half-diagonal
 * where the falloff starts being strongest), softness in 0.05..1.
 */
#include <math.h>
#include <stdio.h>
#include "restore_plugin.h"

static int process(const restore_tile *t, char *message, size_t message_size) {
    if (t->param_count < 3) {
        snprintf(message, message_size, "expected 3 parameters (strength, radius, softness), got %d", (int)t->param_count);
        return 1;
    }
    const double strength = t->params[0], radius = t->params[1], softness = t->params[2];
    const double cx = t->image_width / 2.0, cy = t->image_height / 2.0;
    const double half_diagonal = sqrt(cx * cx + cy * cy);
    for (int32_t row = 0; row < t->height; row++) {
        const double dy = t->y + row + 0.5 - cy;
        for (int32_t col = 0; col < t->width; col++) {
            const double dx = t->x + col + 0.5 - cx;
            double r = sqrt(dx * dx + dy * dy) / half_diagonal;
            double u = (r - radius * (1 - softness)) / (softness > 0 ? softness : 1e-6);
            u = u < 0 ? 0 : u > 1 ? 1 : u;
            const double fall = u * u * (3 - 2 * u);   /* smoothstep */
            const float gain = (float)(1 - strength * fall);
            for (int32_t c = 0; c < t->channels; c++) t->planes[c * t->plane_stride + (ptrdiff_t)row * t->width + col] *= gain;
        }
    }
    return 0;
}

static const restore_plugin plugin = { RESTORE_PLUGIN_ABI_VERSION, "vignette", 0, process };

const restore_plugin *restore_plugin_entry(void) { return &plugin; }
