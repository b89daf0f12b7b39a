import { Controller, Get } from '@nestjs/common';
import { stop, transform, version as esbuildVersion } from 'esbuild';
import sharp from 'sharp';

// Both dependencies run native code for the platform the image is for: sharp
// loads its prebuilt @img/sharp-<platform> binding, esbuild spawns the binary its
// install script checked. A wrong-platform production tree fails here.
@Controller('health')
export class PlatformController {
  @Get('platform')
  async platform() {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#0a0' } }).png().toBuffer();
    const code = (await transform('const n: number = 1', { loader: 'ts' })).code.trim();
    // esbuild keeps its service process running; stop it so SIGTERM can end the app.
    await stop();
    return { arch: process.arch, sharp: sharp.versions.sharp, vips: sharp.versions.vips, png: png.length, esbuild: esbuildVersion, code };
  }
}
