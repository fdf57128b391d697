/**
 * {@code memdir serve}: one HTTP process for many agent directories, with a Letta-compatible REST
 * subset under {@code /v1} and a server-rendered web view under {@code /ui}.
 *
 * <p>Every read and write goes through the same {@link dev.memdir.Agent} facade the CLI uses, so
 * the write lock, hand-edit rules and git autocommit hold as they do for {@code memdir memory}.
 * Only this package imports Jetty and flexmark's HTML renderer; nothing outside {@code cli} imports
 * this package.
 */
package dev.memdir.serve;
