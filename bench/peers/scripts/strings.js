// N strings "item-<i>" joined with commas; the result is the length.
Array.from({ length: N }, (_, i) => "item-" + i).join(",").length;
