/**
 * memdir's public face: the {@link dev.memdir.Agent} facade over an agent directory, and the
 * exception tree every layer throws ({@link dev.memdir.MemdirException} and its subclasses).
 */
package dev.memdir;
