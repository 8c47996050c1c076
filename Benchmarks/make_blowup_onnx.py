# A small ONNX whose intermediate blob is huge: Conv 3→C, Resize ×S (nearest), Conv C→3.
#   python3 Benchmarks/make_blowup_onnx.py C S OUT.onnx      (needs `pip install onnx`)
import numpy as np, onnx, sys
from onnx import helper, TensorProto, numpy_helper
C = int(sys.argv[1]); S = int(sys.argv[2])
rng = np.random.default_rng(0)
w1 = numpy_helper.from_array((rng.standard_normal((C, 3, 3, 3)) * 0.05).astype(np.float32), "w1")
w2 = numpy_helper.from_array((rng.standard_normal((3, C, 3, 3)) * 0.05).astype(np.float32), "w2")
sc = numpy_helper.from_array(np.array([1, 1, S, S], np.float32), "sc")
nodes = [helper.make_node("Conv", ["x", "w1"], ["a"], pads=[1, 1, 1, 1]),
         helper.make_node("Resize", ["a", "", "sc"], ["b"], mode="nearest"),
         helper.make_node("Conv", ["b", "w2"], ["y"], pads=[1, 1, 1, 1])]
g = helper.make_graph(nodes, "blowup", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, None, None])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, None, None])], [w1, w2, sc])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]); m.ir_version = 8
onnx.save(m, sys.argv[3])
