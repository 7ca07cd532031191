/* corpuskit._detector_kernel: langdetect's sampling for one text, and the n-grams of a
 * word, in C.
 *
 * FastDetector._detect_block (corpuskit/steps/detector.py) is the reference; this
 * computes the same floats bit for bit, from the same random generator state:
 *
 *   - the generator is CPython's random.Random (Mersenne Twister, _randommodule.c):
 *     its state is handed over by random.Random.getstate() and advanced here as
 *     CPython advances it (genrand_uint32, random() as genrand_res53);
 *   - random.gauss is random.py's: two random() values, libm's log, sqrt, cos and sin
 *     (called through pointers, so that no compiler fuses cos and sin into sincos), the
 *     second value kept for the next call (gauss_next);
 *   - random.choice(seq) is seq[_randbelow(len(seq))], and _randbelow draws
 *     getrandbits(k) (k = len(seq).bit_length(), at most 32 here: the word's top k
 *     bits) until below len(seq);
 *   - each draw multiplies the 55 probabilities by (weight + the n-gram's), element by
 *     element, one draw after the other; after the first draw and every fifth, the
 *     probabilities are summed as the running Python's sum() adds floats (one by one
 *     from the first up to 3.11; from 3.12 with Neumaier's compensation, as CPython's
 *     builtin_sum does), the largest is found as max() finds it, and all are divided
 *     by the sum; the trials' results are averaged as probabilities / n_trial added.
 *
 * No fused multiply-add may be formed (alpha + gauss * width would round once instead
 * of twice): setup.py compiles this file with -ffp-contract=off (/fp:precise on MSVC),
 * and the pragma below says the same to compilers that read it.
 *
 * tests/steps/test_detector.py compares this kernel with the pure-Python path on every
 * dev page's prose sample and on generated text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define MT_N 624
#define MT_M 397
#define MATRIX_A 0x9908b0dfU
#define UPPER_MASK 0x80000000U
#define LOWER_MASK 0x7fffffffU

typedef struct {
    uint32_t state[MT_N];
    int index;
    int has_gauss_next;
    double gauss_next;
} Generator;

/* libm's functions through pointers the compiler cannot see through: Python's math
 * module calls cos and sin one at a time, and so must this. */
static double (*volatile libm_log)(double) = log;
static double (*volatile libm_cos)(double) = cos;
static double (*volatile libm_sin)(double) = sin;
static double (*volatile libm_sqrt)(double) = sqrt;

/* CPython's genrand_uint32 (Modules/_randommodule.c). */
static uint32_t
genrand_uint32(Generator *self)
{
    static const uint32_t mag01[2] = {0x0U, MATRIX_A};
    uint32_t y;
    uint32_t *mt = self->state;
    if (self->index >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
            mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (mt[MT_N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
        mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        self->index = 0;
    }
    y = mt[self->index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

/* random.random(): CPython's random_random (genrand_res53). */
static double
random_random(Generator *self)
{
    uint32_t a = genrand_uint32(self) >> 5, b = genrand_uint32(self) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/* random.gauss(0.0, 1.0): random.py's, with its gauss_next. */
static double
random_gauss(Generator *self)
{
    double z;
    if (self->has_gauss_next) {
        z = self->gauss_next;
        self->has_gauss_next = 0;
    }
    else {
        double x2pi = random_random(self) * (2.0 * 3.141592653589793);
        double g2rad = libm_sqrt(-2.0 * libm_log(1.0 - random_random(self)));
        z = libm_cos(x2pi) * g2rad;
        self->gauss_next = libm_sin(x2pi) * g2rad;
        self->has_gauss_next = 1;
    }
    double mu = 0.0, sigma = 1.0;
    double scaled = z * sigma;
    return mu + scaled;
}

/* random._randbelow_with_getrandbits(n), 0 < n < 2**32: getrandbits(k) with k <= 32 is
 * the next word's top k bits. */
static Py_ssize_t
randbelow(Generator *self, uint64_t n, int bits)
{
    uint32_t r = genrand_uint32(self) >> (32 - bits);
    while (r >= n) {
        r = genrand_uint32(self) >> (32 - bits);
    }
    return (Py_ssize_t)r;
}

/* sum(values) as the running CPython's builtin sum adds floats. The start, int 0,
 * added to the first float gives that float; then the rest are added one by one. */
static double
python_sum(const double *values, Py_ssize_t count)
{
    double total = 0.0 + values[0];
#if PY_VERSION_HEX >= 0x030C0000
    /* builtin_sum_impl since 3.12: Neumaier's compensated summation */
    double compensation = 0.0;
    for (Py_ssize_t i = 1; i < count; i++) {
        double x = values[i];
        double t = total + x;
        if (fabs(total) >= fabs(x)) {
            compensation += (total - t) + x;
        }
        else {
            compensation += (x - t) + total;
        }
        total = t;
    }
    if (compensation != 0.0 && isfinite(compensation)) {
        total += compensation;
    }
#else
    for (Py_ssize_t i = 1; i < count; i++) {
        total += values[i];
    }
#endif
    return total;
}

/* The generator state of random.Random.getstate(): (version, words + (index,),
 * gauss_next). */
static int
load_state(Generator *generator, PyObject *state)
{
    if (!PyTuple_Check(state) || PyTuple_GET_SIZE(state) != 3) {
        PyErr_SetString(PyExc_TypeError, "state must be random.Random().getstate()");
        return -1;
    }
    PyObject *words = PyTuple_GET_ITEM(state, 1);
    PyObject *gauss_next = PyTuple_GET_ITEM(state, 2);
    if (!PyTuple_Check(words) || PyTuple_GET_SIZE(words) != MT_N + 1) {
        PyErr_SetString(PyExc_ValueError, "state must hold 624 words and an index");
        return -1;
    }
    for (Py_ssize_t i = 0; i < MT_N; i++) {
        unsigned long word = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(words, i));
        if (word == (unsigned long)-1 && PyErr_Occurred()) {
            return -1;
        }
        generator->state[i] = (uint32_t)word;
    }
    long index = PyLong_AsLong(PyTuple_GET_ITEM(words, MT_N));
    if (index == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (index < 0 || index > MT_N) {
        PyErr_SetString(PyExc_ValueError, "state index out of range");
        return -1;
    }
    generator->index = (int)index;
    if (gauss_next == Py_None) {
        generator->has_gauss_next = 0;
        generator->gauss_next = 0.0;
    }
    else {
        generator->gauss_next = PyFloat_AsDouble(gauss_next);
        if (generator->gauss_next == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        generator->has_gauss_next = 1;
    }
    return 0;
}

PyDoc_STRVAR(sample_doc,
"sample(matrix, rows, initial, n_trial, alpha, alpha_width, base_freq, iteration_limit,\n"
"       conv_threshold, state)\n"
"--\n\n"
"langdetect's sampling: the trials' averaged language probabilities, as a list.\n\n"
"matrix: the n-grams' probabilities, a C-contiguous 2-D buffer of doubles (one row\n"
"per n-gram, one column per language); rows: the text's n-grams as row numbers (a\n"
"list of ints, fewer than 2**32); initial: each trial's starting probabilities;\n"
"state: random.Random(seed).getstate(). The floats are FastDetector._detect_block's.");

static PyObject *
sample(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *matrix_object, *rows, *initial, *state;
    Py_ssize_t n_trial, iteration_limit;
    double alpha, alpha_width, base_freq, conv_threshold;
    if (!PyArg_ParseTuple(args, "OO!O!ndddndO!:sample", &matrix_object, &PyList_Type, &rows,
                          &PyList_Type, &initial, &n_trial, &alpha, &alpha_width,
                          &base_freq, &iteration_limit, &conv_threshold, &PyTuple_Type,
                          &state)) {
        return NULL;
    }
    Generator generator;
    if (load_state(&generator, state) < 0) {
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(rows);
    if (count < 1 || (uint64_t)count >= ((uint64_t)1 << 32)) {
        PyErr_SetString(PyExc_ValueError, "rows must hold 1 to 2**32 - 1 n-grams");
        return NULL;
    }
    if (n_trial < 1) {
        PyErr_SetString(PyExc_ValueError, "n_trial must be at least 1");
        return NULL;
    }
    int bits = 0;
    for (uint64_t n = (uint64_t)count; n; n >>= 1) {
        bits++;
    }

    Py_buffer view;
    if (PyObject_GetBuffer(matrix_object, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    double *work = NULL;
    if (view.ndim != 2 || view.format == NULL || strcmp(view.format, "d") != 0
        || view.itemsize != sizeof(double)) {
        PyErr_SetString(PyExc_TypeError, "matrix must be a 2-D array of doubles");
        goto done;
    }
    Py_ssize_t languages = view.shape[1], known = view.shape[0];
    const double *matrix = (const double *)view.buf;
    if (languages < 1 || PyList_GET_SIZE(initial) != languages) {
        PyErr_SetString(PyExc_ValueError, "initial must hold one probability per column");
        goto done;
    }
    work = PyMem_Malloc(sizeof(double) * 3 * (size_t)languages);
    if (work == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    double *start = work, *prob = work + languages, *total = work + 2 * languages;
    for (Py_ssize_t i = 0; i < languages; i++) {
        start[i] = PyFloat_AsDouble(PyList_GET_ITEM(initial, i));
        if (start[i] == -1.0 && PyErr_Occurred()) {
            goto done;
        }
        total[i] = 0.0;
    }
    double trials = (double)n_trial;
    for (Py_ssize_t trial = 0; trial < n_trial; trial++) {
        memcpy(prob, start, sizeof(double) * (size_t)languages);
        double spread = random_gauss(&generator) * alpha_width;
        double weight = (alpha + spread) / base_freq;
        Py_ssize_t last = 0, size = 1; /* draw 0 is checked alone, then every fifth */
        for (;;) {
            for (Py_ssize_t draw = 0; draw < size; draw++) {
                PyObject *item = PyList_GET_ITEM(rows, randbelow(&generator, count, bits));
                Py_ssize_t row = PyLong_AsSsize_t(item);
                if (row == -1 && PyErr_Occurred()) {
                    goto done;
                }
                if (row < 0 || row >= known) {
                    PyErr_SetString(PyExc_IndexError, "row out of the matrix");
                    goto done;
                }
                const double *factors = matrix + row * languages;
                for (Py_ssize_t i = 0; i < languages; i++) {
                    double factor = weight + factors[i];
                    prob[i] = prob[i] * factor;
                }
            }
            double sum = python_sum(prob, languages);
            double largest = prob[0];
            for (Py_ssize_t i = 1; i < languages; i++) {
                if (prob[i] > largest) {
                    largest = prob[i];
                }
            }
            if (sum == 0.0) {
                PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
                goto done;
            }
            double top = largest / sum;
            for (Py_ssize_t i = 0; i < languages; i++) {
                prob[i] = prob[i] / sum;
            }
            if (top > conv_threshold || last >= iteration_limit) {
                break;
            }
            last += 5;
            size = 5;
        }
        for (Py_ssize_t i = 0; i < languages; i++) {
            double share = prob[i] / trials;
            total[i] = total[i] + share;
        }
    }
    result = PyList_New(languages);
    if (result == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < languages; i++) {
        PyObject *value = PyFloat_FromDouble(total[i]);
        if (value == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, value);
    }
done:
    PyMem_Free(work);
    PyBuffer_Release(&view);
    return result;
}

/* Appends ``gram`` (count code points of ``points``) to ``result`` if ``known`` holds
 * it; -1 on an error. */
static int
append_known(PyObject *result, PyObject *known, const Py_UCS4 *points, Py_ssize_t count)
{
    PyObject *gram = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, points, count);
    if (gram == NULL) {
        return -1;
    }
    int found = PySequence_Contains(known, gram);
    if (found == 1) {
        found = PyList_Append(result, gram);
    }
    Py_DECREF(gram);
    return found < 0 ? -1 : 0;
}

PyDoc_STRVAR(ngrams_doc,
"ngrams(chunk, known)\n"
"--\n\n"
"The n-grams of chunk (a normalized word, with the space after it or not) that known\n"
"holds, as langdetect's NGram forms them from the space before it: FastDetector._ngrams.");

static PyObject *
ngrams(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *chunk, *known;
    if (!PyArg_ParseTuple(args, "UO:ngrams", &chunk, &known)) {
        return NULL;
    }
    PyObject *result = PyList_New(0);
    if (result == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(chunk);
    const void *data = PyUnicode_DATA(chunk);
    Py_ssize_t length = PyUnicode_GET_LENGTH(chunk);
    /* grams: the last three characters, as NGram keeps them, from a space */
    Py_UCS4 grams[3] = {' ', 0, 0};
    Py_ssize_t held = 1;
    for (Py_ssize_t at = 0; at < length; at++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, at);
        Py_UCS4 last = grams[held - 1];
        if (held == 3) {
            grams[0] = grams[1];
            grams[1] = grams[2];
            grams[2] = ch;
        }
        else {
            grams[held++] = ch;
        }
        /* no n-gram ends on the second or later of capitals in a row */
        if (Py_UNICODE_ISUPPER(ch) && Py_UNICODE_ISUPPER(last)) {
            continue;
        }
        if (ch != ' ' && append_known(result, known, &ch, 1) < 0) {
            goto error;
        }
        if (append_known(result, known, grams + held - 2, 2) < 0) {
            goto error;
        }
        if (held == 3 && append_known(result, known, grams, 3) < 0) {
            goto error;
        }
    }
    return result;
error:
    Py_DECREF(result);
    return NULL;
}

static PyMethodDef methods[] = {
    {"sample", sample, METH_VARARGS, sample_doc},
    {"ngrams", ngrams, METH_VARARGS, ngrams_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "corpuskit._detector_kernel",
    "langdetect's sampling in C, the same floats as corpuskit.steps.detector's Python.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__detector_kernel(void)
{
    return PyModule_Create(&module);
}
