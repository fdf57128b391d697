/**
 * The LoCoMo benchmark harness: parsing the data with all its quirks, the official F1 scorer (with
 * an exact port of NLTK's Porter stemmer), evidence recall, resumable runs and reports; the
 * answering modes ({@link dev.memdir.bench.locomo.AnswerRun}: agent, full-context, oracle) with
 * their response cache, judge, answer key, prices and run comparison. Scoring rules follow LoCoMo's
 * own {@code task_eval/evaluation.py} exactly; the data itself (CC BY-NC) is never bundled.
 */
package dev.memdir.bench.locomo;
