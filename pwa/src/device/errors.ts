/** Typed errors of the device layer; UI shows `message_vi` (or `message_en` in English). */
export class DeviceError extends Error {
  constructor(
    readonly code: 'not_enrolled' | 'locked' | 'no_session' | 'pin_invalid' | 'pin_locked' | 'pin_format' | 'logout_refused' | 'enrol_failed' | 'vault_locked',
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(`${message_vi} / ${message_en}`);
    this.name = 'DeviceError';
  }
}

export const notEnrolled = (): DeviceError =>
  new DeviceError(
    'not_enrolled',
    'Thiết bị chưa được đăng ký. Hãy đăng nhập khi có mạng để đăng ký thiết bị.',
    'This device is not enrolled. Log in online to enrol it.',
  );

export const locked = (): DeviceError =>
  new DeviceError('locked', 'Ứng dụng đang khoá. Hãy mở khoá bằng mã PIN.', 'The app is locked. Unlock it with your PIN.');
