/**
 * The {@code memdir} command line (picocli): each command parses its arguments, calls the {@link
 * dev.memdir.Agent} facade and prints. Exit codes: 0 ok, 1 failure, 2 usage. The only package that
 * imports picocli.
 */
package dev.memdir.cli;
