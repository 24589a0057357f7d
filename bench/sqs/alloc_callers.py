#!/usr/bin/env python3
"""Reads `perf script -F ip,sym` (with call graphs) on stdin; for the samples whose stack is in the
allocator (malloc/free and friends) or grows/trims the heap with brk (sysmalloc/systrim), prints
which caller they belong to: the first frame above the allocator in the server, SQLite or
RapidJSON. Percentages are of all samples."""
import collections
import re
import sys

ALLOC = re.compile(r"^(_int_malloc|malloc|_int_free|cfree|free|unlink_chunk|malloc_consolidate|"
                   r"__GI___libc_malloc|__GI___libc_free|_int_realloc|realloc|operator new|operator delete)")
BRK = re.compile(r"sysmalloc|systrim|__brk|sbrk")
OWNER = re.compile(r"nimbus::|rapidjson::|sqlite3[A-Za-z_]*|beast::http::(basic_parser|parser|serializer|basic_fields)")

stacks, cur = [], []
for line in sys.stdin:
    line = line.strip()
    if not line:
        if cur:
            stacks.append(cur)
        cur = []
        continue
    parts = line.split(None, 1)
    cur.append(parts[1] if len(parts) > 1 else parts[0])
if cur:
    stacks.append(cur)
if not stacks:
    sys.exit("no samples")


def owner(stack, pred):
    for i, frame in enumerate(stack):
        if pred(frame):
            for caller in stack[i + 1:]:
                if OWNER.search(caller) and not ALLOC.match(caller):
                    return re.sub(r"\(.*", "", caller)[:120]
            return "(no server frame)"
    return None


for title, pred in (("heap grown/trimmed with brk (sysmalloc/systrim)", BRK.search),
                    ("malloc/free", ALLOC.match)):
    counts = collections.Counter(o for o in (owner(s, pred) for s in stacks) if o)
    total = sum(counts.values())
    print(f"{title}: {100 * total / len(stacks):.1f}% of {len(stacks)} samples")
    for name, n in counts.most_common(10):
        print(f"  {100 * n / len(stacks):5.1f}%  {name}")
