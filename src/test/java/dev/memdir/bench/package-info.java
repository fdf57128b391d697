/**
 * Benchmarks: main-method programs compiled by every build and run by hand (see
 * benchmarks/README.md). They print medians and ratios against a baseline run in the same process.
 */
package dev.memdir.bench;
