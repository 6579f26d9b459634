/**
 * The JSON of the public neuron-explainer datasets (docs/method.md section 1): reading, writing and
 * type detection. {@link org.neuronexplainer.common.dataset.json.DatasetJson} is the entry point.
 *
 * <p>Decisions, where the Python original leaves room:
 *
 * <ul>
 *   <li><b>Unknown keys are an error</b>, as the Python constructors raise on them; a validator
 *       that silently drops data would make a rewrite lossy.
 *   <li><b>Markers are optional</b> where the position fixes the type; a present marker must name
 *       that type. A top-level object without a marker is typed by its exact key set, else by the
 *       only type whose required keys it has and which has all its keys (the Python loader takes
 *       the first superset instead, which depends on registration order).
 *   <li><b>Missing defaulted fields</b> take the Python defaults: empty lists, null lists, NaN
 *       moments and scores, no uncalibrated simulation. Null distribution lists (written before the
 *       Python PR #32) read as empty.
 *   <li><b>Duplicate keys are an error</b> (Python keeps the last). {@code NaN} and {@code
 *       Infinity} literals are accepted, as Python's json module accepts them.
 *   <li><b>Related-neurons files</b> carry no marker when written. A {@code dataclass_name} found
 *       on them or their sides is accepted and dropped: the original class is unpublished, so no
 *       name can be checked. Both {@code c_fc} and {@code c_proj} must be present (either may be
 *       null); missing negative lists read as empty and are written as empty lists.
 *   <li><b>Floats are written as doubles</b>: a value the original held as a Python int (say {@code
 *       0} in a distribution) is written back as {@code 0.0}; the values are equal.
 * </ul>
 */
package org.neuronexplainer.common.dataset.json;
