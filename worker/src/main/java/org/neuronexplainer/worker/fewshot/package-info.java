/**
 * The few-shot examples, bundled as JSON data files written for this project and validated when
 * first loaded (METHOD.md 3.4). Examples are normalized against their own records' max.
 */
package org.neuronexplainer.worker.fewshot;
