#pragma once

#include <functional>
#include <memory>

namespace nimbus {

// A value built on first use. Services keep their stores in one so that startup opens no
// database and parses nothing (start → ready is a benchmark target). Not thread-safe: used on
// the owning service's strand only.
template <class T>
class Lazy {
 public:
  void Init(std::function<std::unique_ptr<T>()> make) {
    make_ = std::move(make);
    value_.reset();
  }
  T& Get() {
    if (!value_) {
      value_ = make_();
    }
    return *value_;
  }
  T* operator->() { return &Get(); }
  T& operator*() { return Get(); }

 private:
  std::function<std::unique_ptr<T>()> make_;
  std::unique_ptr<T> value_;
};

}  // namespace nimbus
