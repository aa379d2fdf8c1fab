#!/usr/bin/env python3
"""Writes the raster icons from the same drawing as public/favicon.svg (a white diamond on an
indigo rounded square): public/favicon.ico (16 and 32 px) and the web app manifest's
public/icon-192.png and public/icon-512.png. Standard library only; run it again after changing
the drawing."""
import struct
import zlib
from pathlib import Path

INDIGO = (0x43, 0x38, 0xCA)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis, per pixel: smooth edges


def coverage(x, y, size, rounded):
    """(background, diamond) at point (x, y) of a 32-unit drawing scaled to `size`."""
    u, v = x * 32 / size, y * 32 / size
    r = 7 if rounded else 0
    dx, dy = max(r - u, 0, u - (32 - r)), max(r - v, 0, v - (32 - r))
    inside = dx * dx + dy * dy <= r * r if r else True
    diamond = abs(u - 16) + abs(v - 16) <= 10
    return inside, diamond


def pixels(size, rounded=True):
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            bg = dia = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    inside, diamond = coverage(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES, size, rounded)
                    bg += inside
                    dia += inside and diamond
            n = SAMPLES * SAMPLES
            alpha = bg / n
            white = dia / bg if bg else 0
            color = [round(INDIGO[i] * (1 - white) + WHITE[i] * white) for i in range(3)]
            row += bytes(color + [round(alpha * 255)])
        rows.append(bytes(row))
    return rows


def png(size, rounded=True):
    raw = b"".join(b"\x00" + row for row in pixels(size, rounded))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(sizes):
    images = [png(size) for size in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, image in zip(sizes, images):
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return out + b"".join(images)


public = Path(__file__).resolve().parent.parent / "public"
(public / "favicon.ico").write_bytes(ico([16, 32]))
# Square for the manifest: platforms round or mask it themselves ("maskable").
(public / "icon-192.png").write_bytes(png(192, rounded=False))
(public / "icon-512.png").write_bytes(png(512, rounded=False))
