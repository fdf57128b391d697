/**
 * Letta's formats: agent files ({@code .af}, the archived Letta server's {@code AgentFileSchema})
 * and Letta Code's memory folders (MemFS), imported into agent directories and exported back.
 * Facades: {@link dev.memdir.letta.AgentFileImport}, {@link dev.memdir.letta.AgentFileExport},
 * {@link dev.memdir.letta.MemfsImport}, {@link dev.memdir.letta.MemfsExport}. Everything that
 * cannot be mapped is listed in an {@link dev.memdir.letta.ImportReport}, never dropped silently.
 * Uses {@code memory}, {@code history}, {@code format} and {@code tools} (for the tools' schemas);
 * speaks no HTTP and imports no picocli.
 */
package dev.memdir.letta;
