#include "rs_png.h"
#include "rs_jpeg.h"
#include "rs_tiff.h"
#include "rs_lcms.h"
