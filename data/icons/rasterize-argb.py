#!/usr/bin/env python3
# rasterize-argb.py RSVG_CONVERT SVG SIZE OUTPUT
#
# Draws SVG at SIZE×SIZE with rsvg-convert and writes its pixels as ARGB32 in
# network byte order, row by row: the StatusNotifierItem IconPixmap format.
# The PNG is decoded here with zlib alone (8-bit RGBA, not interlaced, as
# rsvg-convert writes it), so the build needs no imaging library.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import struct
import subprocess
import sys
import zlib


def png_rgba_rows(data):
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    offset, idat = 8, b''
    while offset < len(data):
        length, kind = struct.unpack('>I4s', data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b'IHDR':
            width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if (depth, colour, interlace) != (8, 6, 0):
                sys.exit('expected 8-bit RGBA without interlacing')
        elif kind == b'IDAT':
            idat += body
    raw = zlib.decompress(idat)
    stride = width * 4
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - 4] if x >= 4 else 0
            up = previous[x]
            up_left = previous[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xff
            elif kind == 2:
                line[x] = (line[x] + up) & 0xff
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xff
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[x] = (line[x] + predictor) & 0xff
            elif kind != 0:
                sys.exit('unknown PNG filter %d' % kind)
        yield width, height, line
        previous = line


def main():
    rsvg_convert, svg, size, output = sys.argv[1:]
    png = subprocess.run([rsvg_convert, '--width', size, '--height', size, svg],
                         check=True, stdout=subprocess.PIPE).stdout
    argb = bytearray()
    for width, height, line in png_rgba_rows(png):
        if (width, height) != (int(size), int(size)):
            sys.exit('rsvg-convert drew %d×%d, not %s×%s' % (width, height, size, size))
        for x in range(0, len(line), 4):
            r, g, b, a = line[x:x + 4]
            argb += bytes((a, r, g, b))
    with open(output + '.part', 'wb') as f:
        f.write(argb)
    os.replace(output + '.part', output)


main()
