import type { TypedApp } from '../../kernel/http.js';
import { photoRoutes } from './photo.routes.js';
import type { PhotoService } from './photo.service.js';

/** Mounts photo upload and download. */
export function register(app: TypedApp, deps: { photos: PhotoService }): void {
  photoRoutes(app, deps.photos);
}
