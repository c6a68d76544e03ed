#pragma once
// Physical units of the ITK flavours.
//
// NRRD and MetaImage have no unit field that ITK reads: volume EM users keep
// nanometre numbers in the spacing and origin fields, and so do we (a NRRD written
// by Cisterna with 8 nm voxels says "space directions: (8,0,0) ...").
//
// NIfTI does store units (xyzt_units), and ITK's NiftiImageIO converts whatever the
// file says to millimetres on reading and always writes millimetres. So that other
// NIfTI tools see true sizes we write millimetres too (8 nm -> 8e-06 mm). NIfTI keeps
// them as float32, so on reading we take the shortest decimal that gives the same
// float32 and shift it by six decades: 8e-06 mm comes back as exactly 8 nm, and any
// value with up to 6 significant digits (float32's guaranteed precision) survives a
// round trip unchanged.
namespace cisterna::itkio {

double nanometresToNiftiMillimetres(double nm);
double niftiMillimetresToNanometres(double mm);

} // namespace cisterna::itkio
