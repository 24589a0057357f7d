"""Reads the QR codes IAM draws: the PNG is parsed here (chunks, CRCs, zlib, 1-bit grayscale
rows) and the symbol decoded with zxing-cpp, an independent QR reader."""
from __future__ import annotations

import struct
import zlib

import zxingcpp


def png_gray(png: bytes) -> tuple[bytes, int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", png[:8]
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + data) == crc, kind
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", data[:10])
            assert (depth, color) == (1, 0)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = (width + 7) // 8 + 1
    out = bytearray()
    for y in range(height):
        row = raw[y * stride:(y + 1) * stride]
        assert row[0] == 0  # filter: none
        out += bytes(255 if row[1 + x // 8] & (0x80 >> (x % 8)) else 0 for x in range(width))
    return bytes(out), width, height


def decode(png: bytes) -> list[str]:
    gray, width, height = png_gray(png)
    image = memoryview(gray).cast("B", shape=[height, width])
    return [r.text for r in zxingcpp.read_barcodes(image) if "QR" in str(r.format)]
