#include "services/iam/credentials/qr_png.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace nimbus::iam {
namespace {

// Level M: error correction codewords per block and number of blocks, by version (1..40).
constexpr std::array<int, 41> kEccPerBlock = {
    -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28};
constexpr std::array<int, 41> kBlocks = {
    -1, 1,  1,  1,  2,  2,  4,  4,  4,  5,  5,  5,  8,  9,  9,  10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49};
constexpr int kFormatBitsM = 0;
constexpr int kMask = 0;  // (x + y) % 2 == 0; every mask decodes, this one is as good as any

int RawDataModules(int ver) {
  int result = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    int align = ver / 7 + 2;
    result -= (25 * align - 10) * align - 55;
    if (ver >= 7) {
      result -= 36;
    }
  }
  return result;
}

int DataCodewords(int ver) { return RawDataModules(ver) / 8 - kEccPerBlock[ver] * kBlocks[ver]; }

uint8_t GfMultiply(uint8_t x, uint8_t y) {
  int z = 0;
  for (int i = 7; i >= 0; --i) {
    z = (z << 1) ^ ((z >> 7) * 0x11D);
    z ^= ((y >> i) & 1) * x;
  }
  return static_cast<uint8_t>(z);
}

std::vector<uint8_t> RsDivisor(int degree) {
  std::vector<uint8_t> result(static_cast<size_t>(degree), 0);
  result.back() = 1;
  uint8_t root = 1;
  for (int i = 0; i < degree; ++i) {
    for (size_t j = 0; j < result.size(); ++j) {
      result[j] = GfMultiply(result[j], root);
      if (j + 1 < result.size()) {
        result[j] ^= result[j + 1];
      }
    }
    root = GfMultiply(root, 0x02);
  }
  return result;
}

std::vector<uint8_t> RsRemainder(const std::vector<uint8_t>& data,
                                 const std::vector<uint8_t>& divisor) {
  std::vector<uint8_t> result(divisor.size(), 0);
  for (uint8_t b : data) {
    uint8_t factor = b ^ result.front();
    result.erase(result.begin());
    result.push_back(0);
    for (size_t i = 0; i < result.size(); ++i) {
      result[i] ^= GfMultiply(divisor[i], factor);
    }
  }
  return result;
}

class Symbol {
 public:
  explicit Symbol(int ver)
      : ver_(ver),
        size_(ver * 4 + 17),
        dark_(static_cast<size_t>(size_ * size_), false),
        function_(static_cast<size_t>(size_ * size_), false) {}

  int size() const { return size_; }
  bool Dark(int x, int y) const { return dark_[Index(x, y)]; }

  void DrawFunctionPatterns() {
    for (int i = 0; i < size_; ++i) {
      SetFunction(6, i, i % 2 == 0);
      SetFunction(i, 6, i % 2 == 0);
    }
    DrawFinder(3, 3);
    DrawFinder(size_ - 4, 3);
    DrawFinder(3, size_ - 4);
    auto align = AlignmentPositions();
    int n = static_cast<int>(align.size());
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (!((i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0))) {
          for (int dy = -2; dy <= 2; ++dy) {
            for (int dx = -2; dx <= 2; ++dx) {
              SetFunction(align[i] + dx, align[j] + dy, std::max(std::abs(dx), std::abs(dy)) != 1);
            }
          }
        }
      }
    }
    DrawFormatBits(0);
    if (ver_ >= 7) {
      int rem = ver_;
      for (int i = 0; i < 12; ++i) {
        rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
      }
      long bits = static_cast<long>(ver_) << 12 | rem;
      for (int i = 0; i < 18; ++i) {
        bool bit = ((bits >> i) & 1) != 0;
        int a = size_ - 11 + i % 3;
        int b = i / 3;
        SetFunction(a, b, bit);
        SetFunction(b, a, bit);
      }
    }
  }

  void DrawFormatBits(int mask) {
    int data = kFormatBitsM << 3 | mask;
    int rem = data;
    for (int i = 0; i < 10; ++i) {
      rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    int bits = (data << 10 | rem) ^ 0x5412;
    auto bit = [&](int i) { return ((bits >> i) & 1) != 0; };
    for (int i = 0; i <= 5; ++i) {
      SetFunction(8, i, bit(i));
    }
    SetFunction(8, 7, bit(6));
    SetFunction(8, 8, bit(7));
    SetFunction(7, 8, bit(8));
    for (int i = 9; i < 15; ++i) {
      SetFunction(14 - i, 8, bit(i));
    }
    for (int i = 0; i < 8; ++i) {
      SetFunction(size_ - 1 - i, 8, bit(i));
    }
    for (int i = 8; i < 15; ++i) {
      SetFunction(8, size_ - 15 + i, bit(i));
    }
    SetFunction(8, size_ - 8, true);
  }

  void DrawCodewords(const std::vector<uint8_t>& data) {
    size_t i = 0;
    for (int right = size_ - 1; right >= 1; right -= 2) {
      if (right == 6) {
        right = 5;
      }
      for (int vert = 0; vert < size_; ++vert) {
        for (int j = 0; j < 2; ++j) {
          int x = right - j;
          bool upward = ((right + 1) & 2) == 0;
          int y = upward ? size_ - 1 - vert : vert;
          if (!function_[Index(x, y)] && i < data.size() * 8) {
            dark_[Index(x, y)] = ((data[i >> 3] >> (7 - (i & 7))) & 1) != 0;
            ++i;
          }
        }
      }
    }
  }

  void ApplyMask0() {
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        if (!function_[Index(x, y)] && (x + y) % 2 == 0) {
          dark_[Index(x, y)] = !dark_[Index(x, y)];
        }
      }
    }
  }

 private:
  size_t Index(int x, int y) const { return static_cast<size_t>(y * size_ + x); }
  void SetFunction(int x, int y, bool dark) {
    dark_[Index(x, y)] = dark;
    function_[Index(x, y)] = true;
  }
  void DrawFinder(int x, int y) {
    for (int dy = -4; dy <= 4; ++dy) {
      for (int dx = -4; dx <= 4; ++dx) {
        int dist = std::max(std::abs(dx), std::abs(dy));
        int xx = x + dx;
        int yy = y + dy;
        if (xx >= 0 && xx < size_ && yy >= 0 && yy < size_) {
          SetFunction(xx, yy, dist != 2 && dist != 4);
        }
      }
    }
  }
  std::vector<int> AlignmentPositions() const {
    if (ver_ == 1) {
      return {};
    }
    int n = ver_ / 7 + 2;
    int step = (ver_ * 8 + n * 3 + 5) / (n * 4 - 4) * 2;
    std::vector<int> result(static_cast<size_t>(n));
    result[0] = 6;
    for (int i = n - 1, pos = size_ - 7; i >= 1; --i, pos -= step) {
      result[static_cast<size_t>(i)] = pos;
    }
    return result;
  }

  int ver_;
  int size_;
  std::vector<bool> dark_;
  std::vector<bool> function_;
};

// Data codewords (mode, count, bytes, terminator, padding) for `ver`.
std::vector<uint8_t> Encode(std::string_view text, int ver) {
  std::vector<bool> bits;
  auto append = [&](uint32_t value, int n) {
    for (int i = n - 1; i >= 0; --i) {
      bits.push_back(((value >> i) & 1) != 0);
    }
  };
  append(0x4, 4);
  append(static_cast<uint32_t>(text.size()), ver <= 9 ? 8 : 16);
  for (unsigned char c : text) {
    append(c, 8);
  }
  size_t capacity = static_cast<size_t>(DataCodewords(ver)) * 8;
  append(0, static_cast<int>(std::min<size_t>(4, capacity - bits.size())));
  append(0, static_cast<int>((8 - bits.size() % 8) % 8));
  for (uint8_t pad = 0xEC; bits.size() < capacity; pad ^= 0xEC ^ 0x11) {
    append(pad, 8);
  }
  std::vector<uint8_t> out(bits.size() / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    out[i >> 3] |= static_cast<uint8_t>(bits[i] << (7 - (i & 7)));
  }
  return out;
}

std::vector<uint8_t> AddEccAndInterleave(const std::vector<uint8_t>& data, int ver) {
  int blocks = kBlocks[ver];
  int ecc_len = kEccPerBlock[ver];
  int raw = RawDataModules(ver) / 8;
  int short_blocks = blocks - raw % blocks;
  int short_len = raw / blocks;
  auto divisor = RsDivisor(ecc_len);
  std::vector<std::vector<uint8_t>> all;
  size_t k = 0;
  for (int i = 0; i < blocks; ++i) {
    size_t len = static_cast<size_t>(short_len - ecc_len + (i < short_blocks ? 0 : 1));
    std::vector<uint8_t> block(data.begin() + static_cast<long>(k),
                               data.begin() + static_cast<long>(k + len));
    k += len;
    auto ecc = RsRemainder(block, divisor);
    if (i < short_blocks) {
      block.push_back(0);
    }
    block.insert(block.end(), ecc.begin(), ecc.end());
    all.push_back(std::move(block));
  }
  std::vector<uint8_t> out;
  for (size_t i = 0; i < all[0].size(); ++i) {
    for (size_t j = 0; j < all.size(); ++j) {
      if (i != static_cast<size_t>(short_len - ecc_len) || static_cast<int>(j) >= short_blocks) {
        out.push_back(all[j][i]);
      }
    }
  }
  return out;
}

uint32_t Crc32(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return crc ^ 0xFFFFFFFFu;
}

void Put32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

void Chunk(std::string& png, const char* type, const std::string& data) {
  Put32(png, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  Put32(png, Crc32(body));
}

// A zlib stream of stored (uncompressed) deflate blocks: no compression library needed.
std::string ZlibStored(const std::string& raw) {
  std::string out = "\x78\x01";
  size_t pos = 0;
  do {
    size_t n = std::min<size_t>(65535, raw.size() - pos);
    bool final = pos + n == raw.size();
    out += static_cast<char>(final ? 1 : 0);
    out += static_cast<char>(n & 0xFF);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xFF);
    out += static_cast<char>((~n >> 8) & 0xFF);
    out.append(raw, pos, n);
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  Put32(out, b << 16 | a);
  return out;
}

}  // namespace

std::string QrCodePng(std::string_view text) {
  int ver = 1;
  while (ver <= 40 && static_cast<size_t>(DataCodewords(ver)) * 8 <
                          4 + (ver <= 9 ? 8 : 16) + text.size() * 8) {
    ++ver;
  }
  if (ver > 40) {
    return {};
  }
  Symbol qr(ver);
  qr.DrawFunctionPatterns();
  qr.DrawCodewords(AddEccAndInterleave(Encode(text, ver), ver));
  qr.ApplyMask0();
  qr.DrawFormatBits(kMask);

  constexpr int kScale = 4;
  constexpr int kQuiet = 4;
  int pixels = (qr.size() + 2 * kQuiet) * kScale;
  size_t row_bytes = static_cast<size_t>((pixels + 7) / 8);
  std::string raw;
  for (int py = 0; py < pixels; ++py) {
    std::string row(row_bytes + 1, '\0');  // filter type 0, then 1-bit pixels (1 = white)
    for (int px = 0; px < pixels; ++px) {
      int mx = px / kScale - kQuiet;
      int my = py / kScale - kQuiet;
      bool dark = mx >= 0 && my >= 0 && mx < qr.size() && my < qr.size() && qr.Dark(mx, my);
      if (!dark) {
        row[1 + static_cast<size_t>(px / 8)] |= static_cast<char>(0x80 >> (px % 8));
      }
    }
    raw += row;
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  Put32(ihdr, static_cast<uint32_t>(pixels));
  Put32(ihdr, static_cast<uint32_t>(pixels));
  ihdr += std::string("\x01\x00\x00\x00\x00", 5);  // depth 1, grayscale, deflate, no interlace
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", ZlibStored(raw));
  Chunk(png, "IEND", "");
  return png;
}

}  // namespace nimbus::iam
