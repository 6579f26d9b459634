/**
 * The few-shot examples, bundled as JSON data files written for this project and validated when
 * first loaded (docs/method.md 3.4). Examples are normalized against their own records' max.
 */
package org.neuronexplainer.worker.fewshot;
