<ColorCorrection id="shot_042">
    <SOPNode>
        <Slope>1.2 0.9 1.1</Slope>
        <Offset>0.02 -0.01 0.03</Offset>
        <Power>1.1 0.95 1.2</Power>
    </SOPNode>
    <SatNode>
        <Saturation>0.8</Saturation>
    </SatNode>
</ColorCorrection>
